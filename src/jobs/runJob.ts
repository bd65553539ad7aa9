import { randomUUID } from "node:crypto";
import type { Clock } from "../clock/Clock.js";
import { createDeadline, type Deadline } from "../clock/Deadline.js";
import { RECORD_MARGIN_MS } from "../config/readRunDeadline.js";
import { M2mError, TimedOutError } from "../errors.js";
import type { Logger } from "../logging/Logger.js";
import { TABLE_STORAGE } from "../state/boundStorage.js";
import type { AppMetrics } from "../telemetry/AppMetrics.js";
import { ATTR } from "../telemetry/attributeNames.js";
import { inSpan, SpanKind } from "../telemetry/tracer.js";
import type { RunContext } from "./downstream/callDownstream.js";
import { checkJobInput } from "./code/checkJobInput.js";
import { failureStreakAfter } from "./failureStreakAfter.js";
import type { JobDefinition } from "./JobDefinition.js";
import { markRunOutcome } from "./markRunOutcome.js";
import type { JobNotifyReport, JobOutcomeNotifier, JobStanding, RunRecording } from "./JobOutcomeNotifier.js";
import type { RunResult } from "./RunResult.js";
import { settleRunStatus } from "./settleRunStatus.js";

export type { JobStanding } from "./JobOutcomeNotifier.js";

/**
 * What the downstream call of a run reports (the rest of RunResult is the runner's), and, when the run's deadline ended
 * it because a bounded call did not answer, that call's edge (not recorded: the message names it).
 */
export type DownstreamOutcome = { edge?: string } & Pick<
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

/** A lease the run holds; released within the deadline given. */
export interface HeldJobLease {
  acquired: true;
  release(deadline: Deadline): Promise<void>;
}

/** The runner's view of its collaborators: each one call wide, each bounded by the deadline it is given. */
export interface JobRunnerDeps {
  jobs: readonly JobDefinition[];
  call(job: JobDefinition, context: RunContext): Promise<DownstreamOutcome>;
  /** Takes the job's lease, or says who holds it. */
  acquireLease(
    key: string,
    owner: string,
    ttlMs: number,
    deadline: Deadline,
  ): Promise<HeldJobLease | { acquired: false; heldBy: string; expiresAt: Date }>;
  /** Records the run; returns the job's standing after it. */
  record(result: RunResult, deadline: Deadline): Promise<JobStanding>;
  /** Alerts (or resolves) as the outcome calls for; never throws. */
  notify: (...args: Parameters<JobOutcomeNotifier>) => ReturnType<JobOutcomeNotifier>;
  clock: Clock;
  logger: Logger;
  /** One jobRun point per finished run (skipped runs too). */
  metrics: AppMetrics;
  /**
   * The failure streak this process last knew per job name, for a run whose recording failed (see failureStreakAfter);
   * updated after every run. One per process (createJobsService keeps it); without it nothing is remembered.
   */
  failureStreaks?: Map<string, number>;
  /** Identifies this process in lease owners (several instances may run). */
  instanceId: string;
  newRunId?: () => string;
  /**
   * Time kept after the run's deadline to record the run and alert, so that a run that used all its time is still
   * recorded and alerted before the host's functionTimeout. Default RECORD_MARGIN_MS (what host.json is checked for).
   */
  recordMarginMs?: number;
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

/**
 * The share of the record budget that Table Storage (the run row, the job summary, the alert ledger and the deliveries
 * it sends) may use; the rest is kept to tell the alert channels directly when Table Storage is what failed.
 */
const STORAGE_SHARE = 2 / 3;

/**
 * Runs a job once, within one deadline of `job.deadlineMs` for everything it awaits: takes the job's lease (the same
 * job never runs twice at once, across instances), calls the API, then — within the record budget kept after the
 * deadline — gives the lease back while it records the run, and alerts or resolves as the outcome calls for. A run the
 * deadline ended is `timed-out`, recorded and alerted like any failure. Logs one line per run, whatever happened (an
 * error line for a failure, a timeout, or Table Storage failing). Always yields a RunResult; throws only for an unknown
 * or disabled job. `signal` aborts the run (the host shutting down): the API call stops (ABORTED) and the run is still
 * recorded. The run is one span (`job <name>`), failed when the run failed or timed out, and one jobRun metric point
 * with the job's failure streak after it.
 */
export async function runJob(
  name: string,
  trigger: { kind: "timer" | "manual"; isPastDue: boolean },
  deps: JobRunnerDeps,
  options: { signal?: AbortSignal; input?: unknown } = {},
): Promise<RunResult> {
  const job = deps.jobs.find((j) => j.name.toLowerCase() === name.toLowerCase());
  if (!job)
    throw new JobNotFoundError(
      name,
      deps.jobs.map((j) => j.name),
    );
  if (!job.enabled) throw new JobDisabledError(job.name);
  // A manual run's input is checked before anything starts: a refused input is the request's fault, not a run.
  const input = trigger.kind === "manual" ? checkJobInput(job, options.input) : undefined;

  const runId = (deps.newRunId ?? randomUUID)();
  // The run's span is the active span for everything below (lease, token, downstream attempts, record, alerting), so
  // their spans are its children and the run's log lines carry its trace.
  return inSpan(
    `job ${job.name}`,
    {
      kind: SpanKind.INTERNAL,
      attributes: { [ATTR.job]: job.name, [ATTR.runId]: runId, [ATTR.trigger]: trigger.kind },
    },
    async (span) => {
      const { result, recording } = await runOnce(job, runId, trigger, deps, { ...options, input });
      markRunOutcome(span, result);
      const failureStreak = failureStreakAfter(result.status, recording, deps.failureStreaks?.get(job.name));
      deps.failureStreaks?.set(job.name, failureStreak);
      deps.metrics.jobRun({
        job: job.name,
        trigger: result.trigger,
        outcome: result.status,
        durationMs: result.durationMs,
        failureStreak,
      });
      return result;
    },
  );
}

/**
 * The run itself, inside its span: lease and call within the deadline, then record, alert and release within the
 * record budget, and its one log line. Returns the result and what became of recording.
 */
async function runOnce(
  job: JobDefinition,
  runId: string,
  trigger: { kind: "timer" | "manual"; isPastDue: boolean },
  deps: JobRunnerDeps,
  options: { signal?: AbortSignal; input?: unknown },
): Promise<{ result: RunResult; recording: RunRecording }> {
  const { clock, logger } = deps;
  const recordMarginMs = deps.recordMarginMs ?? RECORD_MARGIN_MS;
  const started = clock();
  const deadline = createDeadline({
    budgetMs: job.deadlineMs,
    clock,
    ...(options.signal ? { parent: options.signal } : {}),
  });
  const base = {
    runId,
    job: job.name,
    trigger: trigger.kind,
    startedAt: started.toISOString(),
    isPastDue: trigger.isPastDue,
  };
  if (trigger.isPastDue) {
    logger.warn("Timer run is past due (the host was down or busy at the scheduled time)", {
      job: job.name,
      runId,
    });
  }

  const { result, edge, lease } = await leaseAndCall(job, { ...base, started, trigger }, deps, deadline, {
    recordMarginMs,
    ...(options.signal ? { signal: options.signal } : {}),
    input: options.input,
  });

  // Recording and alerting have their own budget, ending no later than the record margin after the run's deadline
  // (the host's functionTimeout is at least that far away). Not tied to the host's signal: an aborted run is recorded.
  const overrunMs = Math.max(0, clock().getTime() - deadline.atMs);
  const afterRun = createDeadline({ budgetMs: recordMarginMs - overrunMs, clock });
  const storageDeadline = createDeadline({
    budgetMs: Math.floor(afterRun.leftMs() * STORAGE_SHARE),
    clock,
    parent: afterRun.signal,
  });

  // The lease guarded the call: it is given back while the run is recorded (a run recorded after a later one is
  // counted without becoming the job's last run; see nextJobSummary).
  const released = lease?.release(afterRun).catch((error: unknown) => {
    logger.warn("Could not release the job lease; it expires on its own", {
      job: job.name,
      runId,
      error: messageOf(error),
    });
  });
  let recording: RunRecording;
  try {
    recording = { recorded: true, standing: await deps.record(result, storageDeadline) };
  } catch (error) {
    recording = { recorded: false, error: asError(error) };
  }
  const [notified] = await Promise.all([
    result.status === "skipped"
      ? Promise.resolve<JobNotifyReport>({ via: "none", ledgerError: null })
      : deps.notify(job, result, recording, {
          logger,
          ledgerDeadline: storageDeadline,
          channelDeadline: afterRun,
        }),
    released,
  ]);

  logRun(logger, result, {
    edge,
    recording,
    notified,
    invocationMs: clock().getTime() - started.getTime(),
  });
  return { result, recording };
}

/**
 * Takes the job's lease within the run's deadline and, holding it, calls the API. A lease that cannot be taken ends
 * the run without calling the API (failed, or timed-out when Table Storage did not answer in time); a lease held by
 * another run skips it.
 */
async function leaseAndCall(
  job: JobDefinition,
  run: Pick<RunResult, "runId" | "job" | "startedAt" | "isPastDue"> & {
    started: Date;
    /** What started the run: its kind is recorded, and a code job's context tells it. */
    trigger: { kind: "timer" | "manual"; isPastDue: boolean };
  },
  deps: JobRunnerDeps,
  deadline: Deadline,
  options: { recordMarginMs: number; signal?: AbortSignal; input: unknown },
): Promise<{ result: RunResult; edge: string | null; lease: HeldJobLease | null }> {
  const { started, trigger, ...rest } = run;
  const base = { ...rest, trigger: trigger.kind };
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

  let acquisition: Awaited<ReturnType<JobRunnerDeps["acquireLease"]>>;
  try {
    acquisition = await deps.acquireLease(
      `job-${job.name}`,
      `${deps.instanceId}/${base.runId}`,
      // The lease covers the run, and the record margin for a holder that dies before giving it back; a crashed
      // holder's lease expires on its own soon after.
      job.deadlineMs + options.recordMarginMs,
      deadline,
    );
  } catch (error) {
    // Without the lease two runs could overlap: do not call the API. The run is still recorded and alerted.
    const timedOut = error instanceof TimedOutError;
    return {
      result: notRun({
        status: timedOut ? "timed-out" : "failed",
        errorCode: timedOut ? "TIMED_OUT" : "LEASE_UNAVAILABLE",
        errorMessage: `Could not take the job's lease, so the API was not called: ${messageOf(error)}`,
        skippedReason: null,
      }),
      edge: timedOut ? error.edge : TABLE_STORAGE,
      lease: null,
    };
  }
  if (!acquisition.acquired) {
    const skippedReason = `another run of '${job.name}' is in progress (${acquisition.heldBy}, lease until ${acquisition.expiresAt.toISOString()})`;
    return {
      result: notRun({ status: "skipped", errorCode: "LEASE_HELD", errorMessage: null, skippedReason }),
      edge: null,
      lease: null,
    };
  }

  const { edge: timedOutEdge, ...outcome } = await deps.call(job, {
    runId: base.runId,
    deadlineAt: new Date(deadline.atMs),
    deadline,
    ...(options.signal ? { signal: options.signal } : {}),
    trigger,
    ...(options.input !== undefined ? { input: options.input } : {}),
  });
  const settled = settleRunStatus(
    { ...outcome, ...(timedOutEdge !== undefined ? { edge: timedOutEdge } : {}) },
    job.deadlineMs,
  );
  return {
    result: {
      ...base,
      ...outcome,
      status: settled.status,
      errorMessage: settled.errorMessage,
      skippedReason: null,
    },
    edge: settled.edge,
    lease: acquisition,
  };
}

/**
 * The run's one log line: its outcome with the edge that ended it, and what became of recording and alerting. When
 * Table Storage failed (lease, run history or alert ledger), this line is all there is of the run: it names the edge,
 * and says whether the alert channels were told directly.
 */
function logRun(
  logger: Logger,
  result: RunResult,
  facts: { edge: string | null; recording: RunRecording; notified: JobNotifyReport; invocationMs: number },
): void {
  const storageError = facts.recording.recorded ? facts.notified.ledgerError : facts.recording.error;
  const properties = {
    job: result.job,
    runId: result.runId,
    trigger: result.trigger,
    status: result.status,
    errorCode: result.errorCode,
    edge: facts.edge ?? (storageError ? TABLE_STORAGE : null),
    durationMs: result.durationMs,
    invocationMs: facts.invocationMs,
    attempts: result.attempts.length,
    httpStatus: result.httpStatus,
    bytes: result.bytes,
    clientRequestId: result.correlation.clientRequestId,
    requestId: result.correlation.requestId,
    consecutiveFailures: facts.recording.recorded ? facts.recording.standing.consecutiveFailures : null,
    recorded: facts.recording.recorded,
    alerted: facts.notified.via,
    ...(storageError ? { storageError: storageError.message } : {}),
    ...(result.skippedReason ? { reason: result.skippedReason } : {}),
  };
  const outcome =
    result.status === "succeeded"
      ? "Job run succeeded"
      : result.status === "skipped"
        ? "Job run skipped"
        : `Job run ${result.status === "timed-out" ? "timed out" : "failed"}: ${result.errorMessage ?? result.errorCode ?? "unknown error"}`;
  if (storageError) {
    const what = facts.recording.recorded
      ? "alerting could not use the alert ledger"
      : "the run was not recorded";
    const told = facts.notified.via === "direct" ? "; the alert channels were told directly" : "";
    logger.error(`${outcome} — ${what}${told}: ${storageError.message}`, properties);
  } else if (result.status === "succeeded") logger.info(outcome, properties);
  else if (result.status === "skipped") logger.warn(outcome, properties);
  else logger.error(outcome, properties);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function messageOf(error: unknown): string {
  return asError(error).message;
}
