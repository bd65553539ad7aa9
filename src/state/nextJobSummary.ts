import type { RunResult } from "../jobs/RunResult.js";
import type { JobSummary } from "./JobSummary.js";

/**
 * The job's summary after one more run. A success resets consecutive failures; a failure — a run that failed or timed
 * out — adds one; a skipped run (another run held the lease) is counted in `totalRuns` and changes nothing else: it
 * says nothing about the job.
 * Runs are applied in the order they are recorded.
 */
export function nextJobSummary(previous: JobSummary | null, result: RunResult): JobSummary {
  const base: JobSummary = previous ?? {
    job: result.job,
    lastRunId: null,
    lastStatus: null,
    lastRunAt: null,
    lastDurationMs: null,
    lastHttpStatus: null,
    lastErrorCode: null,
    lastErrorMessage: null,
    consecutiveFailures: 0,
    lastSuccessAt: null,
    lastFailureAt: null,
    totalRuns: 0,
    lastPastDueAt: null,
  };
  const counted = { ...base, totalRuns: base.totalRuns + 1 };
  if (result.status === "skipped") return counted;

  const succeeded = result.status === "succeeded";
  return {
    ...counted,
    job: result.job,
    lastRunId: result.runId,
    lastStatus: result.status,
    lastRunAt: result.startedAt,
    lastDurationMs: result.durationMs,
    lastHttpStatus: result.httpStatus,
    lastErrorCode: succeeded ? null : result.errorCode,
    lastErrorMessage: succeeded ? null : result.errorMessage,
    consecutiveFailures: succeeded ? 0 : base.consecutiveFailures + 1,
    lastSuccessAt: succeeded ? result.startedAt : base.lastSuccessAt,
    lastFailureAt: succeeded ? base.lastFailureAt : result.startedAt,
    lastPastDueAt: result.isPastDue ? result.startedAt : base.lastPastDueAt,
  };
}
