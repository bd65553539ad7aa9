import type { Logger } from "../logging/Logger.js";
import type { JobSummary } from "../state/JobSummary.js";
import type { RecordedRun } from "../state/RunHistory.js";
import type { StorageCallOptions } from "../state/StorageCallOptions.js";
import type { JobDefinition } from "./JobDefinition.js";
import type { RunResult } from "./RunResult.js";

/** What the job triggers need: the definitions, a way to run one, and the last outcomes. */
export interface JobsService {
  definitions: readonly JobDefinition[];
  /**
   * Runs the job once within its own deadline (its deadlineMs), then records and alerts within the record budget
   * kept after it (see runJob). `signal` aborts the run (the host shutting down); the run is still recorded. `input`
   * is a manual run's JSON body, checked by the job before the run starts (JobInputError when refused).
   */
  run(
    name: string,
    trigger: { kind: "timer" | "manual"; isPastDue: boolean },
    logger: Logger,
    options?: { signal?: AbortSignal; input?: unknown },
  ): Promise<RunResult>;
  /**
   * Last outcome per job name, for the defined jobs (jobs that never ran are absent). With a deadline: TIMED_OUT naming
   * Table Storage past it.
   */
  summaries(options?: StorageCallOptions): Promise<ReadonlyMap<string, JobSummary>>;
  /**
   * The job's last runs, newest first (at most `limit`); `json` is null unless the job keeps its response
   * (`keepResponse`), whatever an older row holds. With a deadline: TIMED_OUT naming Table Storage past it.
   */
  recentRuns(name: string, limit: number, options?: StorageCallOptions): Promise<RecordedRun[]>;
  /** The job's last outcome (null when it never ran) and its last runs as `recentRuns` shows them, in one read. */
  standing(
    name: string,
    limit: number,
    options?: StorageCallOptions,
  ): Promise<{ summary: JobSummary | null; runs: RecordedRun[] }>;
}
