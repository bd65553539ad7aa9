import type { Logger } from "../logging/Logger.js";
import type { JobSummary } from "../state/JobSummary.js";
import type { RecordedRun } from "../state/RunHistory.js";
import type { JobDefinition } from "./JobDefinition.js";
import type { RunResult } from "./RunResult.js";

/** What the job triggers need: the definitions, a way to run one, and the last outcomes. */
export interface JobsService {
  definitions: readonly JobDefinition[];
  run(
    name: string,
    trigger: { kind: "timer" | "manual"; isPastDue: boolean },
    logger: Logger,
  ): Promise<RunResult>;
  /** Last outcome per job name (jobs that never ran are absent). */
  summaries(): Promise<ReadonlyMap<string, JobSummary>>;
  /** The job's last runs, newest first (at most `limit`). */
  recentRuns(name: string, limit: number): Promise<RecordedRun[]>;
}
