import { formatSeconds } from "../clock/formatSeconds.js";
import type { Deadline } from "../clock/Deadline.js";
import { M2mError, TokenError, TransientError } from "../errors.js";
import { backoffDelay } from "../jobs/downstream/backoffDelay.js";
import type { Logger } from "../logging/Logger.js";
import { decideRetry, type RetryDecision } from "../retry/decideRetry.js";
import {
  describeTokenFailure,
  tokenErrorOf,
  type TokenFailure,
  type TokenFailureContext,
} from "./describeTokenFailure.js";
import { unwrapAssertionFailure } from "./deferredAssertion.js";
import { withTokenRequestSignal } from "./tokenRequestSignal.js";

/** The edge a deadline names when the token endpoint has not answered in time. */
export const TOKEN_ENDPOINT = "the token endpoint";

export interface TokenRetryPolicy {
  /** Token requests in all, the first included. */
  maxAttempts: number;
  /** Backoff (full jitter) when Entra ID gives no Retry-After: see backoffDelay. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A retry that would leave less than this before the deadline is not started. */
  minAttemptMs: number;
}

/**
 * Three requests at most: MSAL's guidance is never to retry a token request endlessly, and Entra ID throttles
 * clients that repeat themselves. The deadline usually ends it sooner.
 */
export const TOKEN_RETRY_POLICY: TokenRetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 4_000,
  minAttemptMs: 500,
};

/**
 * Sends a token request (one MSAL call) until it succeeds, fails for good, or the deadline leaves no time. Each
 * attempt runs inside `deadline.bound` with the deadline's signal handed to the network client, so it settles by the
 * deadline whatever the endpoint does (TIMED_OUT naming the token endpoint). A transient failure (see
 * isTransientTokenFailure: 429, 5xx, temporarily_unavailable, a reset) is retried after Entra ID's Retry-After or a
 * backoff, decided by decideRetry: a wait that would pass the deadline is not started, and the error says how long
 * Entra ID asked to wait. Failures before the last are logged as warnings, not thrown: a token that came on the
 * second try is a success. The error thrown is a TokenError whose `retryable` says whether a later run may succeed.
 */
export async function retryTokenRequest<T>(options: {
  send: () => Promise<T>;
  context: TokenFailureContext;
  deadline: Deadline;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
  policy?: TokenRetryPolicy;
  logger?: Logger;
  /**
   * Entra ID refused the certificate: reload it and return true to send again at once (not counted as an attempt),
   * false to fail.
   */
  onCertificateRefused?: (failure: TokenFailure) => Promise<boolean>;
}): Promise<T> {
  const { deadline, context } = options;
  const policy = options.policy ?? TOKEN_RETRY_POLICY;
  for (let attempt = 1; ;) {
    let failure: TokenFailure;
    try {
      return await deadline.bound(TOKEN_ENDPOINT, (signal) =>
        withTokenRequestSignal(signal, options.send, () => deadline.leftMs()),
      );
    } catch (thrown) {
      // TIMED_OUT naming the token endpoint, or the host's own abort: no time is left to try again.
      if (deadline.signal.aborted) throw thrown;
      // A client assertion Key Vault could not sign: its own, explained error (KEYVAULT_FORBIDDEN, TIMED_OUT naming
      // Key Vault), carried through MSAL.
      const error = unwrapAssertionFailure(thrown);
      failure = describeTokenFailure(error, context);
      if (error instanceof M2mError) {
        // Already explained (a credential that cannot be loaded, a federation assertion that failed): kept as it is.
        const transient = error instanceof TransientError || (error instanceof TokenError && error.retryable);
        if (!transient) throw error;
        failure = { ...failure, transient };
      }
    }
    if (failure.certificateProblem && (await options.onCertificateRefused?.(failure))) continue;

    const leftMs = deadline.leftMs();
    const decision = decideRetry({
      attempt,
      maxAttempts: policy.maxAttempts,
      transient: failure.transient,
      retryAfterMs: failure.retryAfterMs,
      backoffMs: backoffDelay(attempt, policy, options.random),
      leftMs,
      minAttemptMs: policy.minAttemptMs,
    });
    if (!decision.retry) {
      if (failure.raw instanceof M2mError) throw failure.raw;
      throw tokenErrorOf(failure, qualifier(decision, failure, attempt, leftMs));
    }
    options.logger?.warn("Token request failed; retrying", {
      scope: context.scope,
      attempt,
      maxAttempts: policy.maxAttempts,
      code: failure.code,
      waitMs: decision.waitMs,
      waitSource: failure.retryAfterMs === null ? "backoff" : "retry-after",
    });
    await deadline.bound(TOKEN_ENDPOINT, (signal) => options.sleep(decision.waitMs, signal));
    attempt += 1;
  }
}

/** Why there is no further attempt, as the end of the cause: the attempts ran out, or the deadline is too near. */
function qualifier(
  decision: Extract<RetryDecision, { retry: false }>,
  failure: TokenFailure,
  attempt: number,
  leftMs: number,
): string {
  const attempts = `${attempt} attempt${attempt === 1 ? "" : "s"}`;
  if (decision.reason === "permanent") return "";
  if (decision.reason === "attempts") return attempt > 1 ? `; gave up after ${attempts}` : "";
  if (failure.retryAfterMs !== null) {
    return `; it asked to wait ${formatSeconds(decision.waitMs)} (Retry-After), more than the ${formatSeconds(leftMs)} left before the deadline`;
  }
  return `; gave up after ${attempts}: another, in ${formatSeconds(decision.waitMs)}, would pass the deadline (${formatSeconds(leftMs)} left)`;
}
