/** How a run ended. */
export type RunStatus =
  /** The API answered a success status. */
  | "succeeded"
  /** The API answered, or could not be reached, and the job failed after its retries. */
  | "failed"
  /**
   * The run's deadline ended it: an edge (the token endpoint, the downstream API, Table Storage) did not answer in
   * time, or the next attempt or wait would have passed the deadline. Counts as a failure for alerting.
   */
  | "timed-out"
  /** Another run of the same job held the lease; this one did nothing. */
  | "skipped";

/** One attempt of the downstream call. */
export interface AttemptResult {
  attempt: number;
  /** HTTP status, or null when no response arrived (network error, timeout). */
  status: number | null;
  durationMs: number;
  /** Why the attempt failed, when it did: "timeout", "ECONNRESET", "HTTP 503", ... */
  error: string | null;
  /** Wait before the next attempt, when there is one. */
  retryAfterMs: number | null;
}

/** What every run yields, whatever happened. Log-safe: no token, no secret. */
export interface RunResult {
  runId: string;
  job: string;
  trigger: "timer" | "manual";
  status: RunStatus;
  startedAt: string;
  durationMs: number;
  attempts: AttemptResult[];
  /** Final HTTP status, or null. */
  httpStatus: number | null;
  /** Bytes of the final response body read (capped). */
  bytes: number;
  /**
   * Parsed JSON body, only for a job with `keepResponse` (and only when the content type is JSON and it fit under the
   * cap); otherwise null.
   */
  json: unknown;
  /**
   * A bounded excerpt (EXCERPT_CHARS) of the final response body when the run failed, scrubbed: the tokens used, JWTs,
   * `Bearer …` credentials and URLs' user info and queries are taken out.
   */
  errorBodyExcerpt: string | null;
  /**
   * Stable code of the failure ("HTTP_STATUS", "TIMEOUT", "NETWORK", "TOKEN", "LEASE_HELD", ...). A timed-out run has
   * DEADLINE (the downstream call stopped at the deadline: the token endpoint — or, loading the certificate, Key Vault
   * or the managed identity endpoint — or the API did not answer in time, or a retry would have passed it) or TIMED_OUT
   * (Table Storage did not answer in time for the job's lease).
   */
  errorCode: string | null;
  /** What went wrong and what to do, for people. */
  errorMessage: string | null;
  /** Correlation sent: W3C traceparent and x-ms-client-request-id; received: x-ms-request-id. */
  correlation: { traceparent: string; clientRequestId: string; requestId: string | null };
  /** The timer occurrence was late (host restarted or was busy). */
  isPastDue: boolean;
  /** Why it was skipped, when it was. */
  skippedReason: string | null;
}
