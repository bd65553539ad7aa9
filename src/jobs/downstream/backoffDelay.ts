import type { RetryPolicy } from "../JobDefinition.js";

/**
 * The wait after failed attempt `attempt` (1-based): exponential backoff with full jitter, a whole number of
 * milliseconds: floor(random() * min(maxDelayMs, baseDelayMs * 2^(attempt-1))). Full jitter spreads the retries of many
 * callers hit by the same outage, so they do not come back in step.
 * `random` is a source like Math.random: [0, 1).
 */
export function backoffDelay(
  attempt: number,
  policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs">,
  random: () => number,
): number {
  // Capped so 2^exponent stays finite (0 * Infinity would be NaN); the delay cap is reached long before.
  const exponent = Math.min(52, Math.max(0, Math.floor(attempt) - 1));
  const ceiling = Math.max(0, Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent));
  // Clamped so a faulty source can neither go negative nor exceed the cap.
  return Math.floor(Math.min(Math.max(random(), 0), 1) * ceiling);
}
