import { describe, expect, it } from "vitest";
import { nextNcrontabOccurrence, parseNcrontab, type NcrontabSchedule } from "../../src/jobs/ncrontab.js";

const range = (first: number, last: number, step = 1): number[] =>
  Array.from({ length: Math.floor((last - first) / step) + 1 }, (_, i) => first + i * step);

const every = {
  seconds: range(0, 59),
  minutes: range(0, 59),
  hours: range(0, 23),
  days: range(1, 31),
  months: range(1, 12),
  daysOfWeek: range(0, 6),
};

function schedule(expression: string): NcrontabSchedule {
  const parsed = parseNcrontab(expression);
  if ("problem" in parsed) throw new Error(`expected '${expression}' to parse: ${parsed.problem}`);
  return parsed;
}

describe("parseNcrontab", () => {
  it.each<[string, Partial<NcrontabSchedule>]>([
    ["* * * * * *", {}],
    ["0 */5 * * * *", { seconds: [0], minutes: range(0, 55, 5) }],
    ["*/15 0 0 * * *", { seconds: [0, 15, 30, 45], minutes: [0], hours: [0] }],
    [
      "*/60 */60 */24 */31 */12 */7",
      { seconds: [0], minutes: [0], hours: [0], days: [1], months: [1], daysOfWeek: [0] },
    ],
    ["5/15 * * * * *", { seconds: [5, 20, 35, 50] }],
    ["*/1 0-1/1 * * * *", { minutes: [0, 1] }],
    ["0 10-40/10 * * * *", { seconds: [0], minutes: [10, 20, 30, 40] }],
    ["0 0 9-17 * * *", { seconds: [0], minutes: [0], hours: range(9, 17) }],
    ["0 30 9 * * 1-5", { seconds: [0], minutes: [30], hours: [9], daysOfWeek: [1, 2, 3, 4, 5] }],
    ["0 0 0 1,15,31 * *", { seconds: [0], minutes: [0], hours: [0], days: [1, 15, 31] }],
    ["0 0 0 1 1-12/3 *", { seconds: [0], minutes: [0], hours: [0], days: [1], months: [1, 4, 7, 10] }],
    ["0 0 0 * Jan,jun,DEC *", { seconds: [0], minutes: [0], hours: [0], months: [1, 6, 12] }],
    [
      "0 0 0 * January-March Tues,Thurs",
      { seconds: [0], minutes: [0], hours: [0], months: [1, 2, 3], daysOfWeek: [2, 4] },
    ],
    ["0 0 0 * Sept-nov *", { seconds: [0], minutes: [0], hours: [0], months: [9, 10, 11] }],
    ["0 0 0 * * MON-FRI", { seconds: [0], minutes: [0], hours: [0], daysOfWeek: [1, 2, 3, 4, 5] }],
    ["0 0 0 * * sun,Sat", { seconds: [0], minutes: [0], hours: [0], daysOfWeek: [0, 6] }],
    ["0 0 0 * * Wednesday/2", { seconds: [0], minutes: [0], hours: [0], daysOfWeek: [3, 5] }],
    ["0 0 0 * * 0", { seconds: [0], minutes: [0], hours: [0], daysOfWeek: [0] }],
    ["0 0 0 5-5 * *", { seconds: [0], minutes: [0], hours: [0], days: [5] }],
    ["*,5 1,1,0 * * * *", { minutes: [0, 1] }],
    ["007 09 * * * *", { seconds: [7], minutes: [9] }],
    [
      "59 59 23 31 12 6",
      { seconds: [59], minutes: [59], hours: [23], days: [31], months: [12], daysOfWeek: [6] },
    ],
  ])("accepts %s", (expression, sets) => {
    expect(parseNcrontab(expression)).toEqual({ ...every, expression, ...sets });
  });

  it("joins the fields with single spaces", () => {
    expect(schedule("  0   0 2 * *  * ").expression).toBe("0 0 2 * * *");
  });

  const valueProblem = {
    second: "is not a number 0–59",
    day: "is not a number 1–31",
    month: "is not a number 1–12 or a month name (Jan–Dec)",
    dayOfWeek: "is not a number 0–6 (Sunday is 0) or a day name (Sun–Sat)",
  };
  const sixFields = "NCRONTAB needs six fields ({second} {minute} {hour} {day} {month} {day-of-week}); got";
  const backwards = (range: string, hostReading: string) =>
    `the range '${range}' runs from high to low; the Functions host would read it as ${hostReading}, not wrap ` +
    "round: write it low to high, or as two ranges separated by a comma";

  it.each([
    // cron-parser's extensions, which the Functions host refuses.
    ["0 0 0 L * *", `day: 'L' ${valueProblem.day}`],
    ["0 0 0 15W * *", `day: '15W' ${valueProblem.day}`],
    ["0 0 0 LW * *", `day: 'LW' ${valueProblem.day}`],
    ["0 0 0 * * 5L", `day-of-week: '5L' ${valueProblem.dayOfWeek}`],
    ["0 0 0 * * 1#2", `day-of-week: '1#2' ${valueProblem.dayOfWeek}`],
    ["0 0 0 ? * 1", `day: '?' ${valueProblem.day}`],
    ["0 0 0 * * ?", `day-of-week: '?' ${valueProblem.dayOfWeek}`],
    ["H 0 0 * * *", `second: 'H' ${valueProblem.second}`],
    ["0 0 0 * * 7", "day-of-week: 7 is out of range 0–6 (Sunday is 0)"],
    ["0 0 0 * * 5-7", "day-of-week: 7 is out of range 0–6 (Sunday is 0)"],
    ["@daily", `${sixFields} 1`],
    ["*/5 * * * *", `${sixFields} 5`],
    ["0 0 0 * * * 2026", `${sixFields} 7`],
    ["", `${sixFields} 0`],
    // Values out of range.
    ["60 * * * * *", "second: 60 is out of range 0–59"],
    ["0 61 * * * *", "minute: 61 is out of range 0–59"],
    ["0 0 24 * * *", "hour: 24 is out of range 0–23"],
    ["0 0 0 0 * *", "day: 0 is out of range 1–31"],
    ["0 0 0 32 * *", "day: 32 is out of range 1–31"],
    ["0 0 0 * 0 *", "month: 0 is out of range 1–12"],
    ["0 0 0 * 13 *", "month: 13 is out of range 1–12"],
    ["0 0 0 * 1-13 *", "month: 13 is out of range 1–12"],
    ["99999999999 * * * * *", "second: 99999999999 is out of range 0–59"],
    // Names: only months and days of the week, at least three letters of the full name.
    ["0 0 0 * Foo *", `month: 'Foo' ${valueProblem.month}`],
    ["0 0 0 * Ja *", `month: 'Ja' ${valueProblem.month}`],
    ["0 0 0 * Jan-Ju *", `month: 'Ju' ${valueProblem.month}`],
    ["0 0 0 * Janu4ry *", `month: 'Janu4ry' ${valueProblem.month}`],
    ["0 0 0 * * Tu", `day-of-week: 'Tu' ${valueProblem.dayOfWeek}`],
    ["0 0 0 * * Mondays", `day-of-week: 'Mondays' ${valueProblem.dayOfWeek}`],
    ["0 0 0 * * Jan", `day-of-week: 'Jan' ${valueProblem.dayOfWeek}`],
    ["Mon 0 0 * * *", `second: 'Mon' ${valueProblem.second}`],
    ["0 Jan 0 * * *", "minute: 'Jan' is not a number 0–59"],
    ["0 0 Mon * * *", "hour: 'Mon' is not a number 0–23"],
    ["0 0 0 Mon * *", `day: 'Mon' ${valueProblem.day}`],
    // Malformed elements.
    ["1,,2 * * * * *", "second: '1,,2' has an empty list element"],
    [",1 * * * * *", "second: ',1' has an empty list element"],
    ["1, * * * * *", "second: '1,' has an empty list element"],
    ["-5 * * * * *", `second: '-5' ${valueProblem.second}`],
    ["1- * * * * *", `second: '1-' ${valueProblem.second}`],
    ["/5 * * * * *", `second: '/5' ${valueProblem.second}`],
    ["1-2-3 * * * * *", `second: '2-3' ${valueProblem.second}`],
    ["*-5 * * * * *", `second: '*' ${valueProblem.second}`],
    ["1.5 * * * * *", `second: '1.5' ${valueProblem.second}`],
    ["+5 * * * * *", `second: '+5' ${valueProblem.second}`],
    ["0 0 0 1-L * *", `day: 'L' ${valueProblem.day}`],
    // Steps: a whole number from 1 to the number of values in the field.
    ["*/0 * * * * *", "second: the step in '*/0' must be a whole number from 1 to 60"],
    ["/0 * * * * *", "second: the step in '/0' must be a whole number from 1 to 60"],
    ["*/61 * * * * *", "second: the step in '*/61' must be a whole number from 1 to 60"],
    ["0 0 */25 * * *", "hour: the step in '*/25' must be a whole number from 1 to 24"],
    ["0 0 0 */32 * *", "day: the step in '*/32' must be a whole number from 1 to 31"],
    ["0 0 0 * */13 *", "month: the step in '*/13' must be a whole number from 1 to 12"],
    ["0 0 0 * * 1-5/8", "day-of-week: the step in '1-5/8' must be a whole number from 1 to 7"],
    ["*/+5 * * * * *", "second: the step in '*/+5' must be a whole number from 1 to 60"],
    ["*/-1 * * * * *", "second: the step in '*/-1' must be a whole number from 1 to 60"],
    ["*/ * * * * *", "second: the step in '*/' must be a whole number from 1 to 60"],
    ["*/5/2 * * * * *", "second: the step in '*/5/2' must be a whole number from 1 to 60"],
    ["*/1.5 * * * * *", "second: the step in '*/1.5' must be a whole number from 1 to 60"],
    // Ranges the host would swap instead of wrapping round.
    ["0 0 22-2 * * *", `hour: ${backwards("22-2", "2-22")}`],
    ["0 0 0 * * Fri-Mon", `day-of-week: ${backwards("Fri-Mon", "1-5")}`],
    ["0 0 0 * Dec-Feb/2 *", `month: ${backwards("Dec-Feb", "2-12")}`],
    // Fields are separated by spaces only.
    ["0\t0 0 * * * *", "separate the six fields with spaces only (found a tab or line break)"],
    ["0 0 0 * * *\n0", "separate the six fields with spaces only (found a tab or line break)"],
  ])("refuses %j: %s", (expression, problem) => {
    expect(parseNcrontab(expression)).toEqual({ problem });
  });
});

describe("nextNcrontabOccurrence", () => {
  it.each([
    // Seconds, minutes and hours, strictly after the given time.
    ["0 */5 * * * *", "2026-01-01T00:00:07Z", "2026-01-01T00:05:00Z"],
    ["0 */5 * * * *", "2026-01-01T00:05:00Z", "2026-01-01T00:10:00Z"],
    ["* * * * * *", "2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z"],
    ["* * * * * *", "2026-01-01T00:00:00.999Z", "2026-01-01T00:00:01Z"],
    ["30 * * * * *", "2026-01-01T00:00:29Z", "2026-01-01T00:00:30Z"],
    ["30 * * * * *", "2026-01-01T00:00:45Z", "2026-01-01T00:01:30Z"],
    ["10 20,40 * * * *", "2026-01-01T10:20:05Z", "2026-01-01T10:20:10Z"],
    ["10 20,40 * * * *", "2026-01-01T10:20:30Z", "2026-01-01T10:40:10Z"],
    ["0 15 * * * *", "2026-01-01T10:20:00Z", "2026-01-01T11:15:00Z"],
    ["5 10 9,15 * * *", "2026-01-01T09:30:00Z", "2026-01-01T15:10:05Z"],
    ["10,50 30 9,15 * * *", "2026-01-01T09:30:55Z", "2026-01-01T15:30:10Z"],
    ["0 0 */6 * * *", "2026-01-01T07:00:00Z", "2026-01-01T12:00:00Z"],
    ["0 0 2 * * *", "2026-11-21T02:00:00Z", "2026-11-22T02:00:00Z"],
    // Month ends, leap days and year rollover.
    ["0 0 0 31 * *", "2026-04-01T00:00:00Z", "2026-05-31T00:00:00Z"],
    ["0 0 0 29-31 * *", "2026-02-01T00:00:00Z", "2026-03-29T00:00:00Z"],
    ["0 0 12 1 * *", "2026-01-31T13:00:00Z", "2026-02-01T12:00:00Z"],
    ["0 0 0 29 Feb *", "2025-01-01T00:00:00Z", "2028-02-29T00:00:00Z"],
    ["0 0 0 29 Feb *", "2096-03-01T00:00:00Z", "2104-02-29T00:00:00Z"],
    ["0 0 0 1 1 *", "2026-06-15T00:00:00Z", "2027-01-01T00:00:00Z"],
    ["59 59 23 31 12 *", "2026-12-31T23:59:59Z", "2027-12-31T23:59:59Z"],
    ["* * * * * *", "2026-12-31T23:59:59Z", "2027-01-01T00:00:00Z"],
    ["0 0 0 1 Jul *", "2026-07-01T00:00:00Z", "2027-07-01T00:00:00Z"],
    // Days of the week; with the day of the month both must match (NCrontab), not either (Unix cron).
    ["0 30 9 * * MON-FRI", "2026-11-21T10:00:00Z", "2026-11-23T09:30:00Z"],
    ["0 0 9 1-7 * Mon", "2026-01-01T00:00:00Z", "2026-01-05T09:00:00Z"],
    ["0 0 9 1-7 * Mon", "2026-01-05T09:00:00Z", "2026-02-02T09:00:00Z"],
    ["0 0 0 13 * Fri", "2026-01-01T00:00:00Z", "2026-02-13T00:00:00Z"],
    ["0 0 0 29 Feb Mon", "2025-01-01T00:00:00Z", "2044-02-29T00:00:00Z"],
    // A time is left today but the date does not match: the next date starts at the first time of day.
    ["0 0 9,15 * * Mon", "2026-11-21T10:00:00Z", "2026-11-23T09:00:00Z"],
    ["0 0 9,15 15 Feb *", "2026-01-15T10:00:00Z", "2026-02-15T09:00:00Z"],
    ["0 0 9,15 15 Jan Fri", "2026-01-15T10:00:00Z", "2027-01-15T09:00:00Z"],
  ])("%s after %s is %s", (expression, after, expected) => {
    expect(nextNcrontabOccurrence(schedule(expression), new Date(after))).toEqual(new Date(expected));
  });

  it.each(["0 0 0 30 Feb *", "0 0 0 31 Apr,Jun,Sep,Nov *", "0 0 0 30-31 2 Mon"])(
    "is null for %s, which never fires",
    (expression) => {
      expect(nextNcrontabOccurrence(schedule(expression), new Date("2026-01-01T00:00:00Z"))).toBeNull();
    },
  );
});
