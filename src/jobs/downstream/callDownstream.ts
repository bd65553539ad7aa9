import type { Clock } from "../../clock/Clock.js";
import type { Deadline } from "../../clock/Deadline.js";
import type { Logger } from "../../logging/Logger.js";
import type { AppMetrics } from "../../telemetry/AppMetrics.js";
import type { TokenSource } from "../../tokens/TokenSource.js";
import type { HttpJobDefinition } from "../JobDefinition.js";
import type { DownstreamOutcome } from "../runJob.js";
import { callOutcome } from "./callOutcome.js";
import { newCallRecord } from "./CallRecord.js";
import { runAttempts } from "./runAttempts.js";
import { runToken } from "./runToken.js";

export { MIN_ATTEMPT_MS } from "./nextStep.js";

/** What the downstream call needs. Time, waiting and randomness come in, so tests control them. */
export interface DownstreamDeps {
  tokens: TokenSource;
  /** Default: the global fetch, whose connection pool keeps connections to the API alive across runs. */
  fetch?: typeof fetch;
  clock: Clock;
  /** Waits `ms`; rejects when `signal` aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** [0, 1), for backoff jitter. */
  random: () => number;
  logger: Logger;
  /** Bytes of a response body read at most; the rest is not read. */
  maxBodyBytes: number;
  /** One downstreamAttempt point per attempt sent. */
  metrics: AppMetrics;
}

/** One run of a job, as the runner starts it. */
export interface RunContext {
  runId: string;
  /** No attempt or wait starts that would end after this. */
  deadlineAt: Date;
  /**
   * The run's deadline (ending at `deadlineAt`), passed on to the token request. Without one, a deadline ending at
   * `deadlineAt` is made for each token request.
   */
  deadline?: Deadline;
  /** Aborts the run (the host is shutting down): the call stops with ABORTED. */
  signal?: AbortSignal;
  /** What started the run (a code job's context tells it). */
  trigger?: { kind: "timer" | "manual"; isPastDue: boolean };
  /** A manual run's input, as the job's module checked it (code jobs only). */
  input?: unknown;
}

/**
 * Calls the job's API once for a run: bearer token, correlation headers, per-attempt timeout, retries with
 * backoff (or the server's Retry-After) within the run's deadline, one token refresh on a 401 to a cached
 * token. Always resolves to an outcome; expected failures are outcomes with a stable `errorCode`
 * (TOKEN, HTTP_STATUS, UNAUTHORIZED, FORBIDDEN, TIMEOUT, DEADLINE, NETWORK, ABORTED, REQUEST_INVALID).
 *
 * The parts, as msal-node splits its client: runToken (the token within the deadline), runAttempts (the retry loop),
 * sendAttempt (one request: building it with requestHeaders, sending, reading the body up to a cap), classifyAttempt
 * (success or what failed), nextStep (refresh, retry or stop, and the words for each) and callOutcome (the outcome
 * from the CallRecord the loop keeps). Each attempt is a CLIENT span whose context is the `traceparent` sent, so the
 * API's telemetry joins the run's trace.
 */
export async function callDownstream(
  job: HttpJobDefinition,
  context: RunContext,
  deps: DownstreamDeps,
): Promise<DownstreamOutcome> {
  const call = newCallRecord(deps.clock().getTime());
  const first = await runToken(job, context, deps, false);
  if (first.ok) call.secrets.push(first.token.token);
  const end = first.ok ? await runAttempts(job, context, deps, call, first.token) : first.end;
  return callOutcome(call, end, deps.clock().getTime());
}
