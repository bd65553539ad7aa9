import { hostname } from "node:os";
import type { Clock } from "../clock/Clock.js";
import { sleep } from "../clock/sleep.js";
import type { Logger } from "../logging/Logger.js";
import type { LeaseStore } from "../state/LeaseStore.js";
import type { RunHistory } from "../state/RunHistory.js";
import type { TokenSource } from "../tokens/TokenSource.js";
import { callDownstream } from "./downstream/callDownstream.js";
import type { JobDefinition } from "./JobDefinition.js";
import type { JobsService } from "./JobsService.js";
import type { RunResult } from "./RunResult.js";
import { runJob, type JobStanding } from "./runJob.js";

/** Hands a run's outcome to the alerting (fire after N failures, resolve on recovery). Never throws. */
export type JobOutcomeNotifier = (
  job: JobDefinition,
  result: RunResult,
  standing: JobStanding,
  logger: Logger,
) => Promise<void>;

/** Wires the job runner to its collaborators. One per process. */
export function createJobsService(deps: {
  jobs: readonly JobDefinition[];
  tokens: TokenSource;
  history: RunHistory;
  leases: LeaseStore;
  notify: JobOutcomeNotifier;
  clock: Clock;
  maxBodyBytes: number;
  /** Default: WEBSITE_INSTANCE_ID (set by App Service), else host name and process id. */
  instanceId?: string;
  fetch?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}): JobsService {
  const instanceId =
    deps.instanceId ?? process.env.WEBSITE_INSTANCE_ID?.slice(0, 12) ?? `${hostname()}-${process.pid}`;
  return {
    definitions: deps.jobs,
    run: (name, trigger, logger) =>
      runJob(name, trigger, {
        jobs: deps.jobs,
        call: (job, context) =>
          callDownstream(job, context, {
            tokens: deps.tokens,
            ...(deps.fetch ? { fetch: deps.fetch } : {}),
            clock: deps.clock,
            sleep: deps.sleep ?? sleep,
            random: deps.random ?? Math.random,
            logger,
            maxBodyBytes: deps.maxBodyBytes,
          }),
        acquireLease: async (key, owner, ttlMs) => {
          const acquisition = await deps.leases.acquire(key, owner, ttlMs);
          if (!acquisition.acquired) return acquisition;
          return { acquired: true, release: () => deps.leases.release(acquisition.lease) };
        },
        record: (result) => deps.history.record(result),
        notify: (job, result, standing) => deps.notify(job, result, standing, logger),
        clock: deps.clock,
        logger,
        instanceId,
      }),
    recentRuns: (name, limit) => deps.history.recent(name, limit),
    summaries: async () => new Map((await deps.history.summaries()).map((summary) => [summary.job, summary])),
  };
}
