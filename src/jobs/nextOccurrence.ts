import { ConfigurationError } from "../errors.js";
import { nextNcrontabOccurrence, parseNcrontab } from "./ncrontab.js";

/**
 * The next time a six-field NCRONTAB schedule ({second} {minute} {hour} {day} {month} {day-of-week}) fires
 * after `after`, in UTC (the Functions host's default; WEBSITE_TIME_ZONE is not applied here). Throws a
 * ConfigurationError for a schedule {@link ncrontabProblem} refuses: settings are checked at start-up, so that is
 * a schedule that skipped the check.
 */
export function nextOccurrence(schedule: string, after: Date): Date {
  const parsed = parseNcrontab(schedule);
  const next = "problem" in parsed ? null : nextNcrontabOccurrence(parsed, after);
  if (!next) throw new ConfigurationError([`schedule '${schedule}': ${ncrontabProblem(schedule)}`]);
  return next;
}

/**
 * Null when the schedule is a six-field NCRONTAB expression the Functions host accepts and that fires at some time,
 * else why not. The host accepts a schedule that never fires (`0 0 0 30 Feb *`) and waits for ever; a job or check
 * that can never run is refused here instead, so nobody waits for it.
 */
export function ncrontabProblem(schedule: string): string | null {
  const parsed = parseNcrontab(schedule);
  if ("problem" in parsed) return parsed.problem;
  if (nextNcrontabOccurrence(parsed, new Date(0))) return null;
  const [day, month, dayOfWeek] = parsed.expression.split(" ").slice(3);
  return (
    `it never fires: no date has day ${day}, month ${month} and day-of-week ${dayOfWeek} ` +
    "(the host fires only when all three match)"
  );
}
