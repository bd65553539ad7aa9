/** What a caller knows after a failed attempt at a call to another system. */
export interface RetryInput {
  /** Attempts made so far, the failed one included (1 after the first). */
  attempt: number;
  /** The most attempts allowed in all. */
  maxAttempts: number;
  /** The failure may pass on its own (throttling, 5xx, a reset connection, an attempt timeout). */
  transient: boolean;
  /** The wait the server asked for (Retry-After), or null when it asked for none. */
  retryAfterMs: number | null;
  /** The caller's own backoff for this attempt (see backoffDelay). */
  backoffMs: number;
  /** Time left before the deadline. */
  leftMs: number;
  /** Less time than this for the next attempt, after the wait, is not worth trying. */
  minAttemptMs: number;
}

export type RetryDecision =
  | { retry: true; waitMs: number }
  | { retry: false; reason: "permanent" | "attempts" | "deadline"; waitMs: number };

/**
 * Pure: whether to try again, and after how long. The server's Retry-After, when given, is the wait (a throttled
 * caller that comes back early is throttled again and longer); otherwise the caller's backoff. A retry is made only
 * when the failure is transient, attempts remain, and the wait leaves at least `minAttemptMs` before the deadline —
 * a wait that would pass the deadline is not started, so a throttled call fails at once with the time it was asked
 * to wait (`waitMs`) instead of sleeping into the host's timeout.
 */
export function decideRetry(input: RetryInput): RetryDecision {
  const waitMs = Math.max(0, input.retryAfterMs ?? input.backoffMs);
  if (!input.transient) return { retry: false, reason: "permanent", waitMs };
  if (input.attempt >= input.maxAttempts) return { retry: false, reason: "attempts", waitMs };
  if (waitMs + input.minAttemptMs > input.leftMs) return { retry: false, reason: "deadline", waitMs };
  return { retry: true, waitMs };
}
