import type { RunResult } from "../jobs/RunResult.js";
import type { JobSummary } from "./JobSummary.js";
import type { StorageCallOptions } from "./StorageCallOptions.js";

/** A run as read back from history. */
export interface RecordedRun extends RunResult {
  /**
   * RunResult fields cut to fit Table Storage's limits ("errorBodyExcerpt", "errorMessage", "skippedReason",
   * "attempts" (oldest dropped), "json" (then read back as null)); empty when the run was stored whole.
   */
  truncated: readonly string[];
}

/** A job's summary as a run's recording left it. */
export interface RecordedSummary extends JobSummary {
  /**
   * This process wrote the job's previous summary too, and nobody has recorded a run of the job since (the write was
   * conditional on that summary's ETag): whatever this process learned about the job from its own runs still holds.
   */
  uninterrupted: boolean;
}

/** The history of job runs and a summary per job. Job names are matched case-insensitively. */
export interface RunHistory {
  /**
   * Appends the run and updates its job's summary, both or neither; returns the summary after it (and whether it was
   * uninterrupted). Recording the same runId again changes nothing and returns the current summary. Safe to call from
   * several instances at once.
   */
  record(result: RunResult, options?: StorageCallOptions): Promise<RecordedSummary>;
  /**
   * The summaries of `jobs` (one point read each, at once), by name; without `jobs`, of every job that has recorded a
   * run — a listing that reads the whole table, for maintenance rather than for every page view.
   */
  summaries(options?: StorageCallOptions & { jobs?: readonly string[] }): Promise<JobSummary[]>;
  /** The job's summary, or null when it has never recorded a run. */
  summary(job: string, options?: StorageCallOptions): Promise<JobSummary | null>;
  /** The job's last `limit` runs (at most 1000), newest first. */
  recent(job: string, limit: number, options?: StorageCallOptions): Promise<RecordedRun[]>;
  /** The job's summary (null when it has never recorded a run) and its last `limit` runs, in one read. */
  standing(
    job: string,
    limit: number,
    options?: StorageCallOptions,
  ): Promise<{ summary: JobSummary | null; runs: RecordedRun[] }>;
}
