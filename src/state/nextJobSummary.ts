import type { RunResult } from "../jobs/RunResult.js";
import type { JobSummary } from "./JobSummary.js";

/**
 * The job's summary after one more run. A success resets consecutive failures; a failure — a run that failed or timed
 * out — adds one; a skipped run (another run held the lease) is counted in `totalRuns` and changes nothing else: it
 * says nothing about the job.
 * Runs are applied in the order they are recorded. A run that started before the last run with an outcome is late (a
 * run gives its lease back while it is being recorded, so the next run may be recorded first): it is counted in
 * `totalRuns` and in its kind's last time, and leaves the last run as it was. A late failure after the last success
 * adds one to consecutive failures (they are the failures since the last success); a late success leaves them, as the
 * runs after it may have failed.
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
  // Without a last run, Date.parse("") is NaN: no run is before it.
  if (Date.parse(result.startedAt) < Date.parse(base.lastRunAt ?? "")) {
    return {
      ...counted,
      lastSuccessAt: succeeded ? later(base.lastSuccessAt, result.startedAt) : base.lastSuccessAt,
      lastFailureAt: succeeded ? base.lastFailureAt : later(base.lastFailureAt, result.startedAt),
      consecutiveFailures:
        !succeeded &&
        (base.lastSuccessAt === null || Date.parse(result.startedAt) > Date.parse(base.lastSuccessAt))
          ? base.consecutiveFailures + 1
          : base.consecutiveFailures,
      lastPastDueAt: result.isPastDue ? later(base.lastPastDueAt, result.startedAt) : base.lastPastDueAt,
    };
  }
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

/** The later of two start times (ISO 8601, as runs record them); `b` when there is no `a`. */
function later(a: string | null, b: string): string {
  return new Date(Math.max(Date.parse(a ?? b), Date.parse(b))).toISOString();
}
