import { randomUUID } from "node:crypto";
import type { Clock } from "../clock/Clock.js";
import { M2mError } from "../errors.js";
import type { Logger } from "../logging/Logger.js";
import type { JobDefinition } from "./JobDefinition.js";
import type { RunResult } from "./RunResult.js";

/** What the downstream call of a run reports (the rest of RunResult is the runner's). */
export type DownstreamOutcome = Pick<
  RunResult,
  | "status"
  | "attempts"
  | "httpStatus"
  | "bytes"
  | "json"
  | "errorBodyExcerpt"
  | "errorCode"
  | "errorMessage"
  | "correlation"
  | "durationMs"
>;

/** Where a job stands after a run: what alerting decides on. */
export interface JobStanding {
  consecutiveFailures: number;
  /** Start of the last successful run: the current failure streak began after it. */
  lastSuccessAt: string | null;
}

/** The runner's view of its collaborators: each one call wide. */
export interface JobRunnerDeps {
  jobs: readonly JobDefinition[];
  call(job: JobDefinition, context: { runId: string; deadlineAt: Date }): Promise<DownstreamOutcome>;
  /** Takes the job's lease, or says who holds it. */
  acquireLease(
    key: string,
    owner: string,
    ttlMs: number,
  ): Promise<
    { acquired: true; release(): Promise<void> } | { acquired: false; heldBy: string; expiresAt: Date }
  >;
  /** Records the run; returns the job's standing after it. */
  record(result: RunResult): Promise<JobStanding>;
  /** Alerts (or resolves) as the outcome calls for; never throws for a failed delivery. */
  notify(job: JobDefinition, result: RunResult, standing: JobStanding): Promise<void>;
  clock: Clock;
  logger: Logger;
  /** Identifies this process in lease owners (several instances may run). */
  instanceId: string;
  newRunId?: () => string;
}

export class JobNotFoundError extends M2mError {
  override name = "JobNotFoundError";
  constructor(name: string, known: readonly string[]) {
    super(
      "JOB_NOT_FOUND",
      `No job named '${name}'. Known jobs: ${known.length ? known.join(", ") : "(none — set M2M_JOBS or M2M_JOBS_FILE)"}.`,
    );
  }
}

export class JobDisabledError extends M2mError {
  override name = "JobDisabledError";
  constructor(name: string) {
    super(
      "JOB_DISABLED",
      `Job '${name}' is disabled ("enabled": false in its definition); enable it to run it.`,
    );
  }
}

/** Lease time beyond the run's deadline: a crashed holder's lease expires on its own soon after. */
const LEASE_MARGIN_MS = 30_000;

/**
 * Runs a job once: takes the job's lease (the same job never runs twice at once, across instances), calls the
 * API, records the run, and alerts or resolves as the outcome calls for. Always yields a RunResult; throws only
 * for an unknown or disabled job.
 */
export async function runJob(
  name: string,
  trigger: { kind: "timer" | "manual"; isPastDue: boolean },
  deps: JobRunnerDeps,
): Promise<RunResult> {
  const job = deps.jobs.find((j) => j.name.toLowerCase() === name.toLowerCase());
  if (!job)
    throw new JobNotFoundError(
      name,
      deps.jobs.map((j) => j.name),
    );
  if (!job.enabled) throw new JobDisabledError(job.name);

  const runId = (deps.newRunId ?? randomUUID)();
  const started = deps.clock();
  const base = {
    runId,
    job: job.name,
    trigger: trigger.kind,
    startedAt: started.toISOString(),
    isPastDue: trigger.isPastDue,
  };
  if (trigger.isPastDue) {
    deps.logger.warn("Timer run is past due (the host was down or busy at the scheduled time)", {
      job: job.name,
      runId,
    });
  }

  const notRun = (
    fields: Pick<RunResult, "status" | "errorCode" | "errorMessage" | "skippedReason">,
  ): RunResult => ({
    ...base,
    ...fields,
    durationMs: deps.clock().getTime() - started.getTime(),
    attempts: [],
    httpStatus: null,
    bytes: 0,
    json: null,
    errorBodyExcerpt: null,
    correlation: { traceparent: "", clientRequestId: "", requestId: null },
  });

  let lease: Awaited<ReturnType<JobRunnerDeps["acquireLease"]>>;
  try {
    lease = await deps.acquireLease(
      `job-${job.name}`,
      `${deps.instanceId}/${runId}`,
      job.deadlineMs + LEASE_MARGIN_MS,
    );
  } catch (error) {
    // Without the lease two runs could overlap: do not call the API.
    const message = error instanceof Error ? error.message : String(error);
    const result = notRun({
      status: "failed",
      errorCode: "LEASE_UNAVAILABLE",
      errorMessage: `Could not take the job's lease, so the API was not called: ${message}`,
      skippedReason: null,
    });
    deps.logger.error(result.errorMessage!, { job: job.name, runId });
    return result;
  }
  if (!lease.acquired) {
    const result = notRun({
      status: "skipped",
      errorCode: "LEASE_HELD",
      errorMessage: null,
      skippedReason: `another run of '${job.name}' is in progress (${lease.heldBy}, lease until ${lease.expiresAt.toISOString()})`,
    });
    deps.logger.warn("Job run skipped", { job: job.name, runId, reason: result.skippedReason });
    await recordSafely(result, deps);
    return result;
  }

  try {
    const outcome = await deps.call(job, { runId, deadlineAt: new Date(started.getTime() + job.deadlineMs) });
    const result: RunResult = { ...base, ...outcome, skippedReason: null };
    const recorded = await recordSafely(result, deps);
    if (recorded) await deps.notify(job, result, recorded);
    const summary = {
      job: job.name,
      runId,
      trigger: trigger.kind,
      status: result.status,
      durationMs: result.durationMs,
      attempts: result.attempts.length,
      httpStatus: result.httpStatus,
      bytes: result.bytes,
      errorCode: result.errorCode,
      clientRequestId: result.correlation.clientRequestId,
      requestId: result.correlation.requestId,
      consecutiveFailures: recorded?.consecutiveFailures ?? null,
    };
    if (result.status === "succeeded") deps.logger.info("Job run succeeded", summary);
    else
      deps.logger.error(
        `Job run failed: ${result.errorMessage ?? result.errorCode ?? "unknown error"}`,
        summary,
      );
    return result;
  } finally {
    await lease.release().catch((error: unknown) => {
      deps.logger.warn("Could not release the job lease; it expires on its own", {
        job: job.name,
        runId,
        error: error instanceof Error ? error.message : String(error),
      });
    });
  }
}

/** Recording must not turn a run's real outcome into a storage error: log it and go on. */
async function recordSafely(result: RunResult, deps: JobRunnerDeps): Promise<JobStanding | null> {
  try {
    return await deps.record(result);
  } catch (error) {
    deps.logger.error("Could not record the run in Table Storage; alerting is skipped for this run", {
      job: result.job,
      runId: result.runId,
      status: result.status,
      error: error instanceof Error ? error.message : String(error),
    });
    return null;
  }
}
