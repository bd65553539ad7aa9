const DAY_MS = 86_400_000;

/**
 * Whole days until `notAfter` at `now`, a part day counted as a day: ceil((notAfter − now) / 24 h). A certificate
 * 30 × 24 h before expiry has 30 left, one 19.5 days before has 20 and one 1 ms before has 1; 0 from the moment it
 * expires, −1 a full day after, and so on. The one count of days left the app shows: the expiry log records, the
 * alerts ("expires in 20 days"), the days-left metrics and the credential summaries all say this number, and the
 * thresholds compare against it (`daysLeft ≤ warningDays` is `left ≤ warningDays × 24 h`).
 */
export function daysLeft(notAfter: Date, now: Date): number {
  // `|| 0` turns the -0 of Math.ceil(-0.3) into 0.
  return Math.ceil((notAfter.getTime() - now.getTime()) / DAY_MS) || 0;
}
