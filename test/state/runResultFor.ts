import type { RunResult } from "../../src/jobs/RunResult.js";

/** A RunResult for state tests: a succeeded timer run of 'report-sync' unless overridden. */
export function runResultFor(overrides: Partial<RunResult> = {}): RunResult {
  return {
    runId: "run-1",
    job: "report-sync",
    trigger: "timer",
    status: "succeeded",
    startedAt: "2030-01-01T10:00:00.000Z",
    durationMs: 120,
    attempts: [{ attempt: 1, status: 200, durationMs: 110, error: null, retryAfterMs: null }],
    httpStatus: 200,
    bytes: 17,
    json: { ok: true },
    errorBodyExcerpt: null,
    errorCode: null,
    errorMessage: null,
    correlation: {
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      clientRequestId: "c-1",
      requestId: "r-1",
    },
    isPastDue: false,
    skippedReason: null,
    ...overrides,
  };
}

/** The same run, failed with HTTP 503. */
export function failedRunFor(overrides: Partial<RunResult> = {}): RunResult {
  return runResultFor({
    status: "failed",
    httpStatus: 503,
    json: null,
    attempts: [{ attempt: 1, status: 503, durationMs: 90, error: "HTTP 503", retryAfterMs: null }],
    errorBodyExcerpt: "Service Unavailable",
    errorCode: "HTTP_STATUS",
    errorMessage: "The API answered 503 after 1 attempt.",
    ...overrides,
  });
}

/** The same run, skipped because another run held the lease. */
export function skippedRunFor(overrides: Partial<RunResult> = {}): RunResult {
  return runResultFor({
    status: "skipped",
    attempts: [],
    httpStatus: null,
    bytes: 0,
    json: null,
    errorCode: "LEASE_HELD",
    skippedReason: "another run of 'report-sync' is in progress",
    ...overrides,
  });
}
