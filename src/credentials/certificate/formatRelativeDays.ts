const DAY_MS = 86_400_000;

/** "3 days ago", "1 day ago", "less than a day ago" (also for `date` = `now`), "in 2 days", "in less than a day". */
export function formatRelativeDays(date: Date, now: Date): string {
  const deltaMs = date.getTime() - now.getTime();
  const days = Math.floor(Math.abs(deltaMs) / DAY_MS);
  const amount = days === 0 ? "less than a day" : `${days} day${days === 1 ? "" : "s"}`;
  return deltaMs <= 0 ? `${amount} ago` : `in ${amount}`;
}
