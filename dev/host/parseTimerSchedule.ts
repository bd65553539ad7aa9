import { nextNcrontabOccurrence, parseNcrontab } from "../../src/jobs/ncrontab.js";

/** A timer trigger's schedule: when it fires next. Times are UTC, the Functions host's default. */
export interface TimerSchedule {
  readonly expression: string;
  /** "Cron" or "Constant" (a TimeSpan interval, which the host allows on App Service plans). */
  readonly kind: "Cron" | "Constant";
  /** The first occurrence strictly after `after`. */
  next(after: Date): Date;
}

const timeSpan = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?$/;

// What NCrontab answers for a schedule that never fires (`0 0 0 30 Feb *`): DateTime.MaxValue, so the host waits
// for ever.
const NEVER = new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999));

/**
 * Parses a six-field NCRONTAB expression (`{second} {minute} {hour} {day} {month} {day-of-week}`, with the app's
 * own parser: the local host and the app's settings check read a schedule alike) or a TimeSpan (`hh:mm:ss`,
 * `d.hh:mm:ss`); throws with the host's message when it is neither.
 */
export function parseTimerSchedule(expression: string): TimerSchedule {
  const trimmed = expression.trim();
  const span = timeSpan.exec(trimmed);
  if (span) {
    const [days, hours, minutes, seconds] = [span[1], span[2], span[3], span[4]].map((part) =>
      Number(part ?? 0),
    );
    const intervalMs =
      ((((days ?? 0) * 24 + (hours ?? 0)) * 60 + (minutes ?? 0)) * 60 + (seconds ?? 0)) * 1000;
    if (intervalMs > 0) {
      return {
        expression: trimmed,
        kind: "Constant",
        next: (after) => new Date(after.getTime() + intervalMs),
      };
    }
  }
  const problem = (detail: string) =>
    new Error(
      `The schedule expression '${expression}' was not recognized as a valid cron expression or timespan string: ${detail}`,
    );
  const parsed = parseNcrontab(trimmed);
  if ("problem" in parsed) throw problem(`${parsed.problem}.`);
  return {
    expression: trimmed,
    kind: "Cron",
    next: (after) => nextNcrontabOccurrence(parsed, after) ?? NEVER,
  };
}

/** The host turns schedule monitoring off for timers that fire more often than once a minute. */
export function firesAtMostOncePerMinute(schedule: TimerSchedule, from: Date): boolean {
  const first = schedule.next(from);
  return schedule.next(first).getTime() - first.getTime() >= 60_000;
}
