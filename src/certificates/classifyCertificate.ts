import { daysLeft as daysUntil } from "./daysLeft.js";
import type { ExpiryPolicy } from "./ExpiryPolicy.js";

const DAY_MS = 86_400_000;

/**
 * - valid: usable, more than `warningDays` left
 * - warning / critical: usable, within `warningDays` / `criticalDays` of expiry
 * - expired: past its notAfter
 * - not-yet-valid: before its notBefore
 * - disabled: switched off in Key Vault, whatever its dates say
 * - unknown: no expiry date known — never taken for "never expires"
 */
export type CertificateState =
  "valid" | "warning" | "critical" | "expired" | "not-yet-valid" | "disabled" | "unknown";

export interface CertificateClassification {
  state: CertificateState;
  /** ceil((notAfter − now) / 24 h), the one count of days left the app shows (see daysLeft.ts); null when unknown. */
  daysLeft: number | null;
  /**
   * The escalation level an alert is due for: the smallest reminder step that has been reached, or null when
   * none has (or the state is disabled, unknown or not-yet-valid, where expiry reminders do not apply).
   */
  step: number | null;
}

/**
 * Pure: the state of a certificate (or any credential with a validity window) at `now`.
 *
 * Boundaries, with `left = notAfter − now` in milliseconds:
 * - disabled when `enabled` is false — checked first, dates do not matter;
 * - unknown when `notAfter` is null;
 * - expired when `now ≥ notAfter` (left ≤ 0): the last valid instant is 1 ms before notAfter;
 * - not-yet-valid when `now < notBefore` (a null notBefore is no constraint);
 * - critical when `left ≤ criticalDays × 24 h`, warning when `left ≤ warningDays × 24 h`, else valid.
 *   So with warningDays 30 the warning starts exactly 30 × 24 h before notAfter, not a day early or late
 *   (the same rule as Key Vault's "days before expiry" lifetime actions);
 * - a reminder step `s` is reached when `left ≤ s × 24 h`, the same rule; for an expired certificate every step
 *   has been reached, so `step` is the smallest one.
 *
 * Because thresholds are whole days, `daysLeft ≤ warningDays` is the same test as the one above.
 */
export function classifyCertificate(input: {
  notBefore: Date | null;
  notAfter: Date | null;
  enabled: boolean;
  now: Date;
  policy: ExpiryPolicy;
}): CertificateClassification {
  const { notBefore, notAfter, enabled, now, policy } = input;
  const leftMs = notAfter === null ? null : notAfter.getTime() - now.getTime();
  const daysLeft = notAfter === null ? null : daysUntil(notAfter, now);

  if (!enabled) return { state: "disabled", daysLeft, step: null };
  if (leftMs === null) return { state: "unknown", daysLeft: null, step: null };

  const reached = policy.reminderDays.filter((s) => leftMs <= s * DAY_MS);
  const step = reached.length === 0 ? null : Math.min(...reached);

  if (leftMs <= 0) return { state: "expired", daysLeft, step };
  if (notBefore !== null && now.getTime() < notBefore.getTime()) {
    return { state: "not-yet-valid", daysLeft, step: null };
  }
  if (leftMs <= policy.criticalDays * DAY_MS) return { state: "critical", daysLeft, step };
  if (leftMs <= policy.warningDays * DAY_MS) return { state: "warning", daysLeft, step };
  return { state: "valid", daysLeft, step };
}
