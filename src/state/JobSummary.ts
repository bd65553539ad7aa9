import type { RunStatus } from "../jobs/RunResult.js";

/**
 * What the app knows about a job's runs, kept up to date by every recorded run. Times are ISO 8601 strings
 * (a run's `startedAt`). `last*` fields describe the last run that reached an outcome: skipped runs are not one.
 */
export interface JobSummary {
  job: string;
  /** Null until a run succeeds or fails (only skipped runs so far). */
  lastRunId: string | null;
  lastStatus: Exclude<RunStatus, "skipped"> | null;
  lastRunAt: string | null;
  lastDurationMs: number | null;
  lastHttpStatus: number | null;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
  /** Failed runs since the last success; 0 after a success. */
  consecutiveFailures: number;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  /** Every recorded run, skipped ones included (one per row of history). */
  totalRuns: number;
  /** Start of the last timer run whose occurrence was past due (the host was down or busy). */
  lastPastDueAt: string | null;
}
