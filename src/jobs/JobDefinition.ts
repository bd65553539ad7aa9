/** How a job retries failed attempts. Delays use exponential backoff with full jitter, capped, never past the deadline. */
export interface RetryPolicy {
  /** Attempts in all, including the first. 1 = no retry. */
  maxAttempts: number;
  /** Backoff base: attempt n waits a random time in [0, min(maxDelayMs, baseDelayMs * 2^(n-1))]. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** The request a job sends. The bearer token is added by the client. */
export interface JobRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD";
  url: string;
  headers: Readonly<Record<string, string>>;
  /** JSON body, sent with content-type application/json; null = no body. */
  body: unknown;
}

/** One scheduled machine-to-machine job, validated. Frozen; no optional gaps. */
export interface JobDefinition {
  /** Unique; letters, digits and dashes (it becomes part of a function name and a table key). */
  name: string;
  /** Six-field NCRONTAB ("0 *\/5 * * * *") or a "%SETTING%" reference resolved by the host. */
  schedule: string;
  /** The schedule after resolving a %SETTING% reference (for computing the next run). */
  resolvedSchedule: string;
  /** `<resource>/.default`. */
  scope: string;
  request: JobRequest;
  /** HTTP statuses that count as success. */
  successStatuses: readonly number[];
  /** Per-attempt timeout. */
  timeoutMs: number;
  /** The whole run (all attempts and waits) must end by this long after it starts; below the function timeout. */
  deadlineMs: number;
  retry: RetryPolicy;
  /** POST and PATCH are retried only when the job says repeating the call is safe. */
  idempotent: boolean;
  enabled: boolean;
  /**
   * Keep the API's response (its parsed JSON) in the run result and the run history. Off by default: run results are
   * returned to, and history is read by, anyone with a function key, so a run keeps only its status, timings and a
   * scrubbed excerpt of an error body.
   */
  keepResponse: boolean;
}
