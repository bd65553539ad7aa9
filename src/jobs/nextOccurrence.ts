import { CronExpressionParser } from "cron-parser";

/**
 * The next time a six-field NCRONTAB schedule ({second} {minute} {hour} {day} {month} {day-of-week}) fires
 * after `after`, in UTC (the Functions host's default; WEBSITE_TIME_ZONE is not applied here).
 */
export function nextOccurrence(schedule: string, after: Date): Date {
  return CronExpressionParser.parse(schedule, { currentDate: after, tz: "UTC" }).next().toDate();
}

/** Null when the schedule is a valid six-field NCRONTAB expression, else why not. */
export function ncrontabProblem(schedule: string): string | null {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 6) {
    return `NCRONTAB needs six fields ({second} {minute} {hour} {day} {month} {day-of-week}); got ${fields.length}`;
  }
  try {
    CronExpressionParser.parse(schedule, { tz: "UTC" });
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
