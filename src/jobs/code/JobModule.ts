import type { Logger } from "../../logging/Logger.js";
import type { RetryPolicy } from "../JobDefinition.js";

/**
 * A job written as code: one module in `jobs/` whose default export is `defineJob({ … })`. The app gives it what a
 * declared job gets — its own `job-<name>` timer, `POST /api/jobs/{name}/run`, a lease so it never runs twice at once,
 * a deadline, run history, alerts and a row on the status page — and a {@link JobContext} to do its work with.
 *
 * ```ts
 * export default defineJob({
 *   name: "sync-changes",
 *   schedule: "%SYNC_SCHEDULE%",
 *   settings: ["SYNC_SOURCE_URL"],
 *   async run(ctx) {
 *     for await (const page of ctx.http.pages(ctx.setting("SYNC_SOURCE_URL"))) { … }
 *     return { pushed: 12 };
 *   },
 * });
 * ```
 */
export interface JobModule<Input = undefined, Checkpoint = unknown, Setting extends string = string> {
  /**
   * Letters, digits and dashes, starting with a letter (at most 63). Unique among all jobs, declared ones (M2M_JOBS)
   * included, regardless of case: it names the timer function (`job-<name>`), the lease and the history rows.
   */
  name: string;
  /** One line for the status page and GET /api/jobs. */
  description?: string;
  /** Six-field NCRONTAB ("0 *\/15 * * * *") or a "%SETTING%" reference, so each deployment can set its own. */
  schedule: string;
  /** The scope of `ctx.http`'s token, `<resource>/.default`. Default: M2M_SCOPE. */
  scope?: string;
  /** The whole run must end by this long after it starts. Default and cap: M2M_RUN_DEADLINE_SECONDS. */
  deadlineMs?: number;
  /** Each HTTP attempt's timeout (cut to the time left). Default 30 s, or the deadline when shorter. */
  timeoutMs?: number;
  /** How each HTTP request is retried. Default: 4 attempts, backoff from 500 ms up to 30 s, full jitter. */
  retry?: Partial<RetryPolicy>;
  /** Default true. A disabled job has no timer and its manual run answers 409. */
  enabled?: boolean;
  /**
   * The app settings the job reads with `ctx.setting(name)`. Each must be set (and not empty) at start-up, or the app
   * refuses to start, naming the job and the setting.
   */
  settings?: readonly Setting[];
  /**
   * Checks a manual run's JSON body (`POST /api/jobs/{name}/run`, `npm run job -- <name> --input '…'`) and gives the
   * typed input; timer runs pass `undefined`. Throw to refuse it: the request gets 400 with your message, and no run
   * starts. Without `input`, a manual run with a body is refused.
   */
  input?: (raw: unknown) => Input;
  /**
   * Does the job's work. What it returns is the run's summary: JSON of at most 4 KiB (counts, a cursor — not data),
   * kept in the run result and run history, which anyone with a function key reads. What it throws fails the run:
   * a {@link JobError}'s code, an HTTP failure's code (HTTP_STATUS, UNAUTHORIZED, FORBIDDEN, DEADLINE, …), or
   * JOB_FAILED. A run that passes its deadline is `timed-out`, whether or not `run` returns.
   */
  run(ctx: JobContext<Input, Checkpoint, Setting>): Promise<unknown>;
}

/** What a job's `run` gets: its HTTP clients, its checkpoint, and the facts of the run. */
export interface JobContext<Input = undefined, Checkpoint = unknown, Setting extends string = string> {
  /** The job's name. */
  readonly job: string;
  readonly runId: string;
  readonly trigger: "timer" | "manual";
  /** The timer occurrence was late (the host was down or busy). */
  readonly isPastDue: boolean;
  /** A manual run's input as the module's `input` checked it; for a timer run, what `input(undefined)` gave. */
  readonly input: Input;
  /** The start of the job's last successful run, or null when it has none. */
  readonly lastSuccessAt: Date | null;
  /**
   * Aborts at the run's deadline and when the host shuts down. Pass it to anything you await that is not `ctx.http`
   * (which already stops with it).
   */
  readonly signal: AbortSignal;
  /** Milliseconds left before the run's deadline. */
  timeLeftMs(): number;
  /** Lines go to the invocation's log (and Application Insights), in the run's trace. Never log a token or data. */
  readonly logger: Logger;
  /** HTTP with a bearer token for the job's scope. */
  readonly http: JobHttp;
  /** HTTP with a bearer token for another scope (`<resource>/.default`). */
  httpFor(scope: string): JobHttp;
  /**
   * Microsoft Graph as the app (a token for Graph's `.default`): URLs relative to the Graph root ("/v1.0/users"), or
   * absolute on it. Throttling (429, 503 with Retry-After) is waited out within the deadline.
   */
  readonly graph: JobHttp;
  /** An access token for `scope` (default: the job's), for a client that is not `ctx.http`. Never log it. */
  token(scope?: string): Promise<string>;
  /** Where the last successful run (or the last commit) left off. */
  readonly checkpoint: JobCheckpoint<Checkpoint>;
  /** The value of one of the app settings the module lists in `settings`. */
  setting(name: Setting): string;
}

/**
 * A small JSON value per job, kept in Table Storage: read when the run starts, written only when the run succeeds (or
 * when the job commits it), on the ETag it read — so a failed or crashed run is redone from the last value written,
 * never skipped, and two runs can never both move it.
 */
export interface JobCheckpoint<Checkpoint> {
  /** The value as the run last set or committed it; at the start, as the last run left it (null before the first). */
  readonly value: Checkpoint | null;
  /** Sets the value stored when the run succeeds. Nothing is written when the run fails or times out. */
  set(value: Checkpoint): void;
  /**
   * Writes `value` (default: the value set) now, so that a failure or crash later in the run resumes from here.
   * Rejects with CHECKPOINT_CONFLICT when another run moved it, CHECKPOINT_TOO_LARGE above 32 KiB of JSON.
   */
  commit(value?: Checkpoint): Promise<void>;
}

/** Options of one request. */
export interface JobRequestOptions {
  headers?: Readonly<Record<string, string>>;
  /** A JSON body (sent with content-type application/json). */
  json?: unknown;
  /** Statuses that count as success. Default: any 2xx. Anything else is retried as the job's retry policy says, then thrown. */
  ok?: readonly number[];
  /**
   * POST and PATCH are retried after a failure only when repeating them is safe (an idempotency key, an upsert).
   * GET, HEAD, PUT and DELETE always are.
   */
  idempotent?: boolean;
}

/** An answer that counted as success. Its body was read whole, up to M2M_MAX_BODY_BYTES (more fails the request). */
export interface JobResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The URL that answered (after redirects). */
  readonly url: string;
  readonly body: Uint8Array;
  text(): string;
  /** The body parsed as JSON; throws RESPONSE_NOT_JSON when it is not. */
  json<T = unknown>(): T;
}

/** One page of a paged list. */
export interface JobPage<T> {
  /** 1 for the first page. */
  readonly number: number;
  readonly url: string;
  /** The page's `value` array (OData, Graph), or the body itself when it is an array. */
  readonly items: T[];
  readonly response: JobResponse;
}

/**
 * HTTP for a job: every request carries the bearer token, `traceparent` and `x-ms-client-request-id`; each attempt has
 * a timeout, failures are retried with backoff (or after the server's Retry-After) while the run's deadline leaves
 * time, a 401 to a cached token gets one fresh token, and the body is read up to the cap. A request that does not
 * succeed throws a {@link JobHttpError} with a code (HTTP_STATUS, UNAUTHORIZED, FORBIDDEN, TIMEOUT, DEADLINE, NETWORK,
 * ABORTED, TOKEN, REQUEST_INVALID, RESPONSE_TOO_LARGE).
 */
export interface JobHttp {
  request(method: JobHttpMethod, url: string, options?: JobRequestOptions): Promise<JobResponse>;
  get(url: string, options?: JobRequestOptions): Promise<JobResponse>;
  /** GET, and the body as JSON. */
  getJson<T = unknown>(url: string, options?: JobRequestOptions): Promise<T>;
  post(url: string, json: unknown, options?: JobRequestOptions): Promise<JobResponse>;
  put(url: string, json: unknown, options?: JobRequestOptions): Promise<JobResponse>;
  patch(url: string, json: unknown, options?: JobRequestOptions): Promise<JobResponse>;
  delete(url: string, options?: JobRequestOptions): Promise<JobResponse>;
  /**
   * The pages of a list, following `@odata.nextLink` (Graph, OData) or `Link: <…>; rel="next"` (RFC 8288) until there
   * is none. A next link to another origin, or back to a page already read, ends the list with PAGING_LINK_OFF_ORIGIN
   * or PAGING_LINK_LOOP: the bearer token never follows a link elsewhere.
   */
  pages<T = unknown>(url: string, options?: JobRequestOptions): AsyncIterable<JobPage<T>>;
  /** Every item of every page, in order. */
  items<T = unknown>(url: string, options?: JobRequestOptions): AsyncIterable<T>;
}

export type JobHttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";
