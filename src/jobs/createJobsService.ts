import { hostname } from "node:os";
import type { Clock } from "../clock/Clock.js";
import { sleep } from "../clock/sleep.js";
import type { CheckpointStore } from "../state/CheckpointStore.js";
import type { LeaseStore } from "../state/LeaseStore.js";
import type { RecordedRun, RunHistory } from "../state/RunHistory.js";
import { appMetrics } from "../telemetry/appMeter.js";
import type { AppMetrics } from "../telemetry/AppMetrics.js";
import type { TokenSource } from "../tokens/TokenSource.js";
import { runCodeJob } from "./code/runCodeJob.js";
import { callDownstream } from "./downstream/callDownstream.js";
import type { JobDefinition } from "./JobDefinition.js";
import type { JobOutcomeNotifier } from "./JobOutcomeNotifier.js";
import type { JobsService } from "./JobsService.js";
import { runJob } from "./runJob.js";

export type { JobOutcomeNotifier } from "./JobOutcomeNotifier.js";

/** Wires the job runner to its collaborators. One per process. */
export function createJobsService(deps: {
  jobs: readonly JobDefinition[];
  tokens: TokenSource;
  history: RunHistory;
  leases: LeaseStore;
  /** What code jobs need besides: their checkpoints and the Graph root ctx.graph calls. Required when there are any. */
  code?: { checkpoints: CheckpointStore; graphUrl: string };
  notify: JobOutcomeNotifier;
  clock: Clock;
  maxBodyBytes: number;
  /** Default: WEBSITE_INSTANCE_ID (set by App Service), else host name and process id. */
  instanceId?: string;
  fetch?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /** Time kept after a run's deadline to record and alert. Default RECORD_MARGIN_MS. */
  recordMarginMs?: number;
  /** Job runs and downstream attempts. Default: the app's metrics on the registered MeterProvider (appMetrics()). */
  metrics?: AppMetrics;
}): JobsService {
  const instanceId =
    deps.instanceId ?? process.env.WEBSITE_INSTANCE_ID?.slice(0, 12) ?? `${hostname()}-${process.pid}`;
  const metrics = deps.metrics ?? appMetrics();
  const code = deps.code;
  if (!code && deps.jobs.some((job) => job.kind === "code")) {
    throw new TypeError(
      "createJobsService: code jobs need `code` (their checkpoint store and the Graph root)",
    );
  }
  // Each job's failure streak as last known here, for a run whose recording fails (see failureStreakAfter).
  const failureStreaks = new Map<string, number>();
  return {
    definitions: deps.jobs,
    run: (name, trigger, logger, options) =>
      runJob(
        name,
        trigger,
        {
          jobs: deps.jobs,
          call: (job, context) => {
            const downstream = {
              tokens: deps.tokens,
              ...(deps.fetch ? { fetch: deps.fetch } : {}),
              clock: deps.clock,
              sleep: deps.sleep ?? sleep,
              random: deps.random ?? Math.random,
              logger,
              maxBodyBytes: deps.maxBodyBytes,
              metrics,
            };
            // Two implementations of one job: a declared request, or a module's code.
            if (job.kind === "http") return callDownstream(job, context, downstream);
            return runCodeJob(job, context, {
              ...downstream,
              ...code!,
              lastSuccessAt: async (name, options) =>
                (await deps.history.summary(name, options))?.lastSuccessAt ?? null,
            });
          },
          acquireLease: async (key, owner, ttlMs, deadline) => {
            const acquisition = await deps.leases.acquire(key, owner, ttlMs, { deadline });
            if (!acquisition.acquired) return acquisition;
            return {
              acquired: true,
              release: (releaseDeadline) =>
                deps.leases.release(acquisition.lease, { deadline: releaseDeadline }),
            };
          },
          record: (result, deadline) => deps.history.record(result, { deadline }),
          notify: deps.notify,
          clock: deps.clock,
          logger,
          metrics,
          failureStreaks,
          instanceId,
          ...(deps.recordMarginMs !== undefined ? { recordMarginMs: deps.recordMarginMs } : {}),
        },
        options,
      ),
    recentRuns: async (name, limit, options) =>
      shownRuns(name, await deps.history.recent(name, limit, options)),
    standing: async (name, limit, options) => {
      const { summary, runs } = await deps.history.standing(name, limit, options);
      return { summary, runs: shownRuns(name, runs) };
    },
    summaries: async (options) => {
      const jobs = deps.jobs.map((job) => job.name);
      return new Map(
        (await deps.history.summaries({ ...options, jobs })).map((summary) => [summary.job, summary]),
      );
    },
  };

  /** Rows recorded before a job stopped keeping its response (or before keepResponse existed) still hold it. */
  function shownRuns(name: string, runs: RecordedRun[]): RecordedRun[] {
    const job = deps.jobs.find((j) => j.name.toLowerCase() === name.toLowerCase());
    return job?.keepResponse ? runs : runs.map((run) => ({ ...run, json: null }));
  }
}
