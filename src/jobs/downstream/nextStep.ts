import { decideRetry } from "../../retry/decideRetry.js";
import type { HttpJobDefinition } from "../JobDefinition.js";
import { apiErrorMessage } from "./apiErrorMessage.js";
import { backoffDelay } from "./backoffDelay.js";
import type { CallEnd } from "./callOutcome.js";
import type { AttemptResponse, FailedAttempt } from "./classifyAttempt.js";
import { finalFailure } from "./finalFailure.js";
import { forbiddenMessage } from "./forbiddenMessage.js";
import { isRetryable } from "./isRetryable.js";
import { parseRetryAfter } from "./parseRetryAfter.js";
import { seconds } from "./seconds.js";
import { unauthorizedMessage } from "./unauthorizedMessage.js";

/** An attempt with less time than this before the deadline is not worth starting. */
export const MIN_ATTEMPT_MS = 100;

/** What follows a failed attempt. */
export type NextStep =
  /** The API refused a cached token: get a fresh one and try again at once, without counting an attempt. */
  | { kind: "refresh-token" }
  | { kind: "retry"; waitMs: number; source: "retry-after" | "backoff" }
  | { kind: "stop"; end: Extract<CallEnd, { status: "failed" }> };

export interface FailedAttemptFacts {
  job: HttpJobDefinition;
  verdict: FailedAttempt;
  /** The attempt's response, when it got one. */
  response: AttemptResponse | null;
  /** The attempt's number (1-based) and its summary ("HTTP 503"), as recorded. */
  attempt: { number: number; error: string };
  /** "2 attempts": how many were made so far. */
  attempts: string;
  /** Attempts counted against the job's retry policy (a token refresh is not counted). */
  policyAttempt: number;
  token: { token: string; fromCache: boolean };
  /** A fresh token was already fetched once in this call. */
  refreshed: boolean;
  /** The timeout the attempt had: less than the job's timeoutMs when the deadline cut it short. */
  timeoutMs: number;
  /** Time left before the run's deadline, now. */
  leftMs: number;
  now: Date;
  /** [0, 1), for the backoff's jitter. */
  random: () => number;
  /** Tokens used: never quoted from a body. */
  secrets: readonly string[];
}

/**
 * Pure (given `random`): after a failed attempt, refresh the token once (a 401 to a cached token), stop — 401, 403,
 * a failure that is not retried or the last attempt allowed, or the run's deadline — or retry after the server's
 * Retry-After or the job's backoff, never waiting past the deadline (see decideRetry).
 */
export function nextStep(facts: FailedAttemptFacts): NextStep {
  const { job, verdict, response, token } = facts;
  const stop = (errorCode: string, errorMessage: string): NextStep => ({
    kind: "stop",
    end: { status: "failed", errorCode, errorMessage },
  });

  if (response?.status === 401) {
    // The cached token may have been revoked or issued before a change on the API: one fresh token, at once.
    if (token.fromCache && !facts.refreshed) return { kind: "refresh-token" };
    return stop(
      "UNAUTHORIZED",
      unauthorizedMessage({
        scope: job.scope,
        token: token.token,
        wwwAuthenticate: response.headers.get("www-authenticate"),
        apiMessage: apiErrorMessage(response.body.data, facts.secrets),
      }),
    );
  }
  if (response?.status === 403) {
    return stop(
      "FORBIDDEN",
      forbiddenMessage({
        scope: job.scope,
        token: token.token,
        apiMessage: apiErrorMessage(response.body.data, facts.secrets),
      }),
    );
  }
  if (verdict.failure.kind === "timeout" && facts.timeoutMs < job.timeoutMs) {
    return stop(
      "DEADLINE",
      `Attempt ${facts.attempt.number} had only ${facts.timeoutMs} ms left before the run's deadline and got no response in time.`,
    );
  }

  const retryAfterMs = response ? parseRetryAfter(response.headers.get("retry-after"), facts.now) : null;
  const decision = decideRetry({
    attempt: facts.policyAttempt,
    maxAttempts: Math.max(1, Math.floor(job.retry.maxAttempts)),
    transient: isRetryable(verdict.failure, job.request.method, job.idempotent),
    retryAfterMs,
    backoffMs: backoffDelay(facts.policyAttempt, job.retry, facts.random),
    leftMs: facts.leftMs,
    minAttemptMs: MIN_ATTEMPT_MS,
  });
  if (decision.retry) {
    return {
      kind: "retry",
      waitMs: decision.waitMs,
      source: retryAfterMs !== null ? "retry-after" : "backoff",
    };
  }
  if (decision.reason !== "deadline") {
    return {
      kind: "stop",
      end: finalFailure(verdict, response, {
        job,
        attempts: facts.attempts,
        secrets: facts.secrets,
        now: facts.now,
      }),
    };
  }
  return stop(
    "DEADLINE",
    retryAfterMs !== null
      ? `The API answered ${facts.attempt.error} and asked to wait ${seconds(retryAfterMs)} s (Retry-After), which would pass the run's deadline (${seconds(facts.leftMs)} s left); stopped after ${facts.attempts}.`
      : `Stopped after ${facts.attempts} (last: ${facts.attempt.error}): the next retry, in ${decision.waitMs} ms, would pass the run's deadline (${Math.max(0, facts.leftMs)} ms left).`,
  );
}
