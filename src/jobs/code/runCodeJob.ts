import { createDeadline } from "../../clock/Deadline.js";
import { TimedOutError } from "../../errors.js";
import { isLoopbackUrl } from "../../credentials/isLoopbackUrl.js";
import type { CheckpointStore } from "../../state/CheckpointStore.js";
import type { DownstreamDeps, RunContext } from "../downstream/callDownstream.js";
import type { CodeJobDefinition } from "../JobDefinition.js";
import { isDefaultScope } from "../jobFields.js";
import type { DownstreamOutcome } from "../runJob.js";
import { checkJobInput } from "./checkJobInput.js";
import { codeJobFailure, type CodeJobFailure } from "./codeJobFailure.js";
import { runCheckpoint, type RunCheckpoint } from "./jobCheckpoint.js";
import { runToken } from "../downstream/runToken.js";
import { JobError, JobHttpError } from "./JobError.js";
import { jobHttpClient, newRunTraffic, type RunTraffic } from "./jobHttpClient.js";
import type { JobContext, JobHttp } from "./JobModule.js";
import { runSummaryJson } from "./runSummaryJson.js";

/** What a code job's run needs beyond a declared job's call. */
export interface CodeJobDeps extends DownstreamDeps {
  checkpoints: CheckpointStore;
  /** The start of the job's last successful run (run history's summary), within the deadline. */
  lastSuccessAt(
    job: string,
    options: { deadline: NonNullable<RunContext["deadline"]> },
  ): Promise<string | null>;
  /** The Microsoft Graph root ctx.graph calls (M2M_GRAPH_URL). */
  graphUrl: string;
}

/** Where the job's own code spends the run's time, as a timed-out run names it. */
export const JOB_CODE_EDGE = "the job's code";

/**
 * Runs a code job's module once, as the runner runs a declared job's call: reads its checkpoint and last success,
 * gives `run` its context (HTTP clients bound to the run's deadline and the host's signal), and when `run` returns
 * writes the checkpoint it set — all within the run's deadline, which also ends `run` itself if it does not return in
 * time (DEADLINE, the edge being the job's code). Always resolves to an outcome; what `run` throws is the outcome's
 * code (see codeJobFailure). Nothing the job set is written when it fails; what it committed stays.
 */
export async function runCodeJob(
  job: CodeJobDefinition,
  context: RunContext,
  deps: CodeJobDeps,
): Promise<DownstreamOutcome> {
  const startedMs = deps.clock().getTime();
  const deadline =
    context.deadline ??
    createDeadline({
      budgetMs: context.deadlineAt.getTime() - startedMs,
      clock: deps.clock,
      ...(context.signal ? { parent: context.signal } : {}),
    });
  const traffic = newRunTraffic();
  let ended = false;
  const outcome = (fields: { json: unknown } | CodeJobFailure): DownstreamOutcome => {
    const failure = "errorCode" in fields ? fields : null;
    return {
      status: failure ? "failed" : "succeeded",
      attempts: traffic.attempts,
      httpStatus: failure?.httpStatus ?? traffic.httpStatus,
      bytes: traffic.bytes,
      json: failure ? null : (fields as { json: unknown }).json,
      errorBodyExcerpt: failure?.errorBodyExcerpt ?? null,
      errorCode: failure?.errorCode ?? null,
      errorMessage: failure?.errorMessage ?? null,
      correlation: traffic.correlation,
      durationMs: deps.clock().getTime() - startedMs,
      ...(failure?.edge !== undefined ? { edge: failure.edge } : {}),
    };
  };
  const failed = (error: unknown) =>
    outcome(
      codeJobFailure(error, {
        job: job.name,
        // The host's shutdown, not the run's own deadline.
        cancelled: context.signal?.aborted === true,
        secrets: traffic.secrets,
      }),
    );

  try {
    // A manual run's input was checked before the run started; a timer run's is what the module makes of none.
    const input = context.trigger?.kind === "manual" ? context.input : checkJobInput(job, undefined);
    const [found, lastSuccessAt] = await Promise.all([
      deps.checkpoints.read(job.name, { deadline }),
      deps.lastSuccessAt(job.name, { deadline }),
    ]);
    const checkpoint = runCheckpoint({
      job: job.name,
      runId: context.runId,
      found,
      store: deps.checkpoints,
      deadline,
      ended: () => ended,
    });
    const ctx = jobContext(job, { ...context, input }, deps, {
      deadline,
      traffic,
      checkpoint,
      lastSuccessAt,
      ended: () => ended,
    });
    const returned = await deadline.bound(JOB_CODE_EDGE, () => job.module.run(ctx as never));
    await checkpoint.flush();
    const summary = runSummaryJson(returned);
    if (summary.problem !== null) {
      deps.logger.warn(`The run's summary was not recorded: ${summary.problem}`, {
        job: job.name,
        runId: context.runId,
      });
    }
    return outcome({ json: summary.json });
  } catch (error) {
    if (error instanceof TimedOutError && error.edge === JOB_CODE_EDGE && !context.signal?.aborted) {
      // The code was awaiting a request when the deadline passed: the request's edge used the time.
      const awaited = [...traffic.waiting].at(-1);
      if (awaited) {
        return outcome({
          errorCode: "DEADLINE",
          errorMessage: `The job was waiting on ${awaited.where} when the deadline passed.`,
          edge: awaited.edge,
          httpStatus: null,
          errorBodyExcerpt: null,
        });
      }
      // The job's own code held the run past its deadline (the runner's words lead: "The job's code did not finish…").
      return outcome({
        errorCode: "DEADLINE",
        errorMessage: `Pass ctx.signal to what the code awaits besides ctx.http, and keep a run's work within its deadline: commit a checkpoint as work is done, so the next run goes on from there.`,
        edge: JOB_CODE_EDGE,
        httpStatus: null,
        errorBodyExcerpt: null,
      });
    }
    return failed(error);
  } finally {
    ended = true;
  }
}

/** The context `run` gets. */
function jobContext(
  job: CodeJobDefinition,
  context: RunContext,
  deps: CodeJobDeps,
  run: {
    deadline: NonNullable<RunContext["deadline"]>;
    traffic: RunTraffic;
    checkpoint: RunCheckpoint;
    lastSuccessAt: string | null;
    ended: () => boolean;
  },
): JobContext<unknown, unknown> {
  const bound: RunContext = { ...context, deadline: run.deadline };
  const client = (scope: string, label: string, base?: { baseUrl: string }): JobHttp =>
    jobHttpClient({
      job,
      scope,
      label,
      edge: base ? "Microsoft Graph" : "the downstream API",
      context: bound,
      deps,
      traffic: run.traffic,
      ended: run.ended,
      ...(base ? { baseUrl: base.baseUrl, onlyOrigin: true } : {}),
    });
  const graphRoot = deps.graphUrl.replace(/\/+$/, "").replace(/\/v1\.0$/, "");
  // The stand-ins issue tokens for Graph's real audience wherever they listen (as graphApplicationsClient asks).
  const graphScope = `${isLoopbackUrl(graphRoot) ? "https://graph.microsoft.com" : graphRoot}/.default`;
  const clients = new Map<string, JobHttp>();
  const httpFor = (scope: string): JobHttp => {
    if (!isDefaultScope(scope)) {
      throw new JobError(
        "REQUEST_INVALID",
        `ctx.httpFor: expected a scope "<resource>/.default"; got ${JSON.stringify(scope)}.`,
      );
    }
    let found = clients.get(scope);
    if (!found) clients.set(scope, (found = client(scope, `ctx.httpFor(${JSON.stringify(scope)})`)));
    return found;
  };
  return {
    job: job.name,
    runId: context.runId,
    trigger: context.trigger?.kind ?? "manual",
    isPastDue: context.trigger?.isPastDue ?? false,
    input: context.input,
    lastSuccessAt: run.lastSuccessAt === null ? null : new Date(run.lastSuccessAt),
    signal: run.deadline.signal,
    timeLeftMs: () => run.deadline.leftMs(),
    logger: deps.logger,
    http: client(job.scope, "ctx.http"),
    httpFor,
    graph: client(graphScope, "ctx.graph", { baseUrl: `${graphRoot}/` }),
    async token(scope = job.scope) {
      const got = await runToken({ scope }, bound, deps, false);
      if (!got.ok) {
        const { errorCode, errorMessage, edge } = got.end;
        throw new JobHttpError(errorCode, errorMessage, {
          status: null,
          bodyExcerpt: null,
          ...(edge !== undefined ? { edge } : {}),
        });
      }
      run.traffic.secrets.push(got.token.token);
      return got.token.token;
    },
    checkpoint: run.checkpoint,
    setting(name: string) {
      const value = job.settings[name];
      if (value === undefined) {
        throw new JobError(
          "SETTING_NOT_DECLARED",
          `ctx.setting(${JSON.stringify(name)}): job '${job.name}' does not list it in its module's "settings", so it was not checked at start-up. Add it there.`,
        );
      }
      return value;
    },
  };
}
