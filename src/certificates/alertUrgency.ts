/**
 * How urgent each certificate alert is. Within an episode an alert goes out again only when its urgency rises
 * (decideConditionAlert), and the number is stored in the alert ledger's step (`<urgency>|<episode>|<label>`,
 * conditionStep): these values are a stored format. Renumbering one changes how the alerts already firing escalate —
 * a lower number for the same thing would never be told again. Add levels; never change these.
 */
export const URGENCY = Object.freeze({
  /** Drift that is worth a warning (an unknown key registered on the app registration). */
  driftWarning: 1,
  /** Drift that is critical (the certificate in use is not registered, or its registration has ended). */
  driftCritical: 2,
  /** A rotation has begun renewing the certificate in Key Vault: told once, as information. */
  rotationRenewing: 1,
  /** The rotation verifies the new version (registered, proving it gets a token): above renewing, so it is told. */
  rotationVerifying: 3,
  /** The app switched to the new version: above the steps before it, so the switch is told. */
  rotationSwitched: 4,
  /**
   * Key Vault cannot renew the certificate itself (its issuer): a person must. Far above the rotation's progress, so
   * that it is told whatever the rotation said before.
   */
  manualRenewal: 20,
  /** The renewal failed: above a manual renewal (what failed may be what a person was asked to do). */
  renewalFailed: 30,
  /**
   * Expiry: the top of the scale. A reminder step `d` days before expiry is `expired - d`, so fewer days left is more
   * urgent (30 → 14 → 7 → 3 → 1 each escalate) and expiry itself is the most urgent of all.
   */
  expired: 10_000,
});

/** The urgency of an expiry reminder `step` days before expiry (see URGENCY.expired). */
export function reminderUrgency(step: number): number {
  return URGENCY.expired - step;
}
