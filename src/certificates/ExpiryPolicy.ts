/**
 * When a certificate (or client secret) needs attention, in whole days before it expires.
 * Built once from the app settings by {@link parseExpiryPolicy}; frozen.
 */
export interface ExpiryPolicy {
  /** From this many days before expiry the state is "warning". At least `criticalDays`. */
  readonly warningDays: number;
  /** From this many days before expiry the state is "critical". */
  readonly criticalDays: number;
  /**
   * Reminder steps in days before expiry, descending and distinct (e.g. [30, 14, 7, 3, 1]): an alert is due once
   * per step reached, so people hear about a certificate a few times, not on every run.
   */
  readonly reminderDays: readonly number[];
}
