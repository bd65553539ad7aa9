/** A new certificate is valid from a little before now, so a clock behind this machine's does not see it as future. */
const NOT_BEFORE_MARGIN_MS = 5 * 60_000;

/**
 * Pure: the validity of a new certificate of `months` months: from 5 minutes before `now` to the same day and time
 * `months` calendar months later (UTC; the month's last day when that day does not exist), as Key Vault's
 * validity_months and openssl's -days read on a calendar.
 */
export function validityPeriod(now: Date, months: number): { notBefore: Date; notAfter: Date } {
  const notAfter = new Date(now.getTime());
  const day = notAfter.getUTCDate();
  notAfter.setUTCDate(1);
  notAfter.setUTCMonth(notAfter.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(notAfter.getUTCFullYear(), notAfter.getUTCMonth() + 1, 0)).getUTCDate();
  notAfter.setUTCDate(Math.min(day, lastDay));
  return { notBefore: new Date(now.getTime() - NOT_BEFORE_MARGIN_MS), notAfter };
}
