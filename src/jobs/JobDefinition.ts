import type { JobModule } from "./code/JobModule.js";

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

/**
 * One scheduled machine-to-machine job, validated: a declared HTTP request (M2M_JOBS) or a job module's code (jobs/).
 * The runner, leases, run history, alerts and the status page see only what both have in common (JobBase).
 */
export type JobDefinition = HttpJobDefinition | CodeJobDefinition;

/** What every job has, whatever runs it. Frozen; no optional gaps. */
export interface JobBase {
  /** Unique; letters, digits and dashes (it becomes part of a function name and a table key). */
  name: string;
  /** Six-field NCRONTAB ("0 *\/5 * * * *") or a "%SETTING%" reference resolved by the host. */
  schedule: string;
  /** The schedule after resolving a %SETTING% reference (for computing the next run). */
  resolvedSchedule: string;
  /** `<resource>/.default`: the scope of the job's token (a code job's `ctx.http`). */
  scope: string;
  /** The whole run (all attempts and waits) must end by this long after it starts; below the function timeout. */
  deadlineMs: number;
  /** Per-attempt timeout of an HTTP request. */
  timeoutMs: number;
  retry: RetryPolicy;
  enabled: boolean;
  /**
   * Keep what the run yields in the run result and the run history: for a declared job the API's response (its parsed
   * JSON), off by default; for a code job the summary its `run` returns, always. Run results are returned to, and
   * history is read by, anyone with a function key.
   */
  keepResponse: boolean;
}

/** A job written as code: a module in jobs/ (see src/jobs/code/JobModule.ts). */
export interface CodeJobDefinition extends JobBase {
  kind: "code";
  /** Where the module came from, as the status page and GET /api/jobs show it ("jobs/sync-changes.ts"). */
  source: string;
  /** The module itself: its `run`, and `input` to check a manual run's JSON. */
  module: JobModule<never, never>;
  /** The app settings the module reads, with their values (checked at start-up). */
  settings: Readonly<Record<string, string>>;
}

/** One declared HTTP request on a schedule (M2M_JOBS or M2M_JOBS_FILE). */
export interface HttpJobDefinition extends JobBase {
  kind: "http";
  request: JobRequest;
  /** HTTP statuses that count as success. */
  successStatuses: readonly number[];
  /** POST and PATCH are retried only when the job says repeating the call is safe. */
  idempotent: boolean;
}
