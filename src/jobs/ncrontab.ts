/**
 * A six-field NCRONTAB schedule as the Azure Functions host reads it: the set of values each field allows, sorted.
 * Built by {@link parseNcrontab}; {@link nextNcrontabOccurrence} finds when it fires.
 */
export interface NcrontabSchedule {
  /** The six fields joined by single spaces. */
  readonly expression: string;
  readonly seconds: readonly number[];
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  /** Days of the month, 1–31. */
  readonly days: readonly number[];
  /** 1–12. */
  readonly months: readonly number[];
  /** 0–6, Sunday is 0. */
  readonly daysOfWeek: readonly number[];
}

/** Why an expression is not a schedule the Functions host accepts: names the field, the value and the rule. */
export interface NcrontabProblem {
  readonly problem: string;
}

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Full names, from `min` on; a name may be abbreviated to any prefix of three letters or more. */
  readonly names?: readonly string[];
  /** What a single value may be, for messages. */
  readonly value: string;
  readonly note?: string;
}

const MONTHS = "January February March April May June July August September October November December";
const DAYS = "Sunday Monday Tuesday Wednesday Thursday Friday Saturday";

// The fields and their bounds are NCrontab's (atifaziz/NCrontab, NCrontab/CrontabFieldImpl.cs), which the Functions
// timer trigger parses with IncludingSeconds (azure-webjobs-sdk-extensions, Timers/Scheduling/CronSchedule.cs).
const FIELDS: readonly Field[] = [
  { name: "second", min: 0, max: 59, value: "a number 0–59" },
  { name: "minute", min: 0, max: 59, value: "a number 0–59" },
  { name: "hour", min: 0, max: 23, value: "a number 0–23" },
  { name: "day", min: 1, max: 31, value: "a number 1–31" },
  {
    name: "month",
    min: 1,
    max: 12,
    names: MONTHS.split(" "),
    value: "a number 1–12 or a month name (Jan–Dec)",
  },
  {
    name: "day-of-week",
    min: 0,
    max: 6,
    names: DAYS.split(" "),
    value: "a number 0–6 (Sunday is 0) or a day name (Sun–Sat)",
    note: " (Sunday is 0)",
  },
];

/**
 * Parses `{second} {minute} {hour} {day} {month} {day-of-week}` as the Functions host does (NCrontab): each field is
 * a comma-separated list of `*`, a value, or a range `a-b`, each optionally stepped with `/n` (`a/n` runs from `a`
 * to the field's maximum); months and days of the week may be named (`Jan`, `mon`, `Tues`). Everything the host
 * refuses is refused here: `L`, `W`, `#`, `?`, `H`, day-of-week 7, `@daily`, seven fields.
 *
 * Where the host accepts an expression but reads it otherwise than it looks, this refuses it too, so a schedule
 * accepted here means the same thing in Azure: a range written high to low (NCrontab swaps `Fri-Mon` into `Mon-Fri`
 * instead of wrapping round), a step of 0, a signed step or one larger than the field (NCrontab reads a step of 0
 * as 1, and a step of 90 seconds as "second 0 only"), names shorter than three letters (NCrontab reads `M` as
 * March), and fields separated by tabs or line breaks (which NCrontab mostly refuses, depending on where they
 * are). The host also takes five fields (minutes first, no seconds); the Functions documentation does not, and
 * neither does this.
 */
export function parseNcrontab(expression: string): NcrontabSchedule | NcrontabProblem {
  if (/[^\S ]/.test(expression)) {
    return { problem: "separate the six fields with spaces only (found a tab or line break)" };
  }
  const texts = expression.split(" ").filter((text) => text !== "");
  if (texts.length !== FIELDS.length) {
    return {
      problem: `NCRONTAB needs six fields ({second} {minute} {hour} {day} {month} {day-of-week}); got ${texts.length}`,
    };
  }
  const sets: (readonly number[])[] = [];
  for (const [index, field] of FIELDS.entries()) {
    const values = parseField(texts[index]!, field);
    if (typeof values === "string") return { problem: `${field.name}: ${values}` };
    sets.push(values);
  }
  const [seconds, minutes, hours, days, months, daysOfWeek] = sets as [
    number[],
    number[],
    number[],
    number[],
    number[],
    number[],
  ];
  return { expression: texts.join(" "), seconds, minutes, hours, days, months, daysOfWeek };
}

function parseField(text: string, field: Field): readonly number[] | string {
  const values = new Set<number>();
  for (const element of text.split(",")) {
    if (element === "") return `'${text}' has an empty list element`;
    const [base, stepText] = splitAt(element, "/");
    const count = field.max - field.min + 1;
    const step = stepText === undefined ? 1 : /^\d+$/.test(stepText) ? Number(stepText) : 0;
    if (step < 1 || step > count) return `the step in '${element}' must be a whole number from 1 to ${count}`;
    let first = field.min;
    let last = field.max;
    if (base !== "*") {
      const [fromText, toText] = splitAt(base, "-");
      const from = parseValue(fromText, element, field);
      if (typeof from === "string") return from;
      // A single value with a step runs to the field's maximum, as in NCrontab (`5/15` is 5, 20, 35, 50).
      const to =
        toText !== undefined ? parseValue(toText, element, field) : stepText === undefined ? from : field.max;
      if (typeof to === "string") return to;
      if (from > to) {
        return (
          `the range '${base}' runs from high to low; the Functions host would read it as ${to}-${from}, ` +
          "not wrap round: write it low to high, or as two ranges separated by a comma"
        );
      }
      first = from;
      last = to;
    }
    for (let value = first; value <= last; value += step) values.add(value);
  }
  return [...values].sort((a, b) => a - b);
}

/** The text before and after the first `separator`; after is undefined when there is none. */
function splitAt(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/**
 * A number within the field's bounds, or a name of three letters or more; else why not (naming `element` when
 * `token` is empty, as in `-5`).
 */
function parseValue(token: string, element: string, field: Field): number | string {
  if (/^\d+$/.test(token)) {
    const value = Number(token);
    return value < field.min || value > field.max
      ? `${value} is out of range ${field.min}–${field.max}${field.note ?? ""}`
      : value;
  }
  const prefix = token.toLowerCase();
  const index =
    prefix.length < 3 ? -1 : (field.names?.findIndex((name) => name.toLowerCase().startsWith(prefix)) ?? -1);
  return index < 0 ? `'${token || element}' is not ${field.value}` : field.min + index;
}

// The most days each month can have (February in a leap year).
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The first time strictly after `after` (whole seconds, UTC) at which `schedule` fires, or null when it never does
 * (`0 0 0 30 Feb *`; the host accepts it and waits for ever, NCrontab returning DateTime.MaxValue).
 *
 * A time fires when every field allows it. When both the day and the day-of-week are restricted, both must match
 * (`0 0 9 1-7 * Mon` is the first Monday of the month), unlike Unix cron, which fires when either does: NCrontab
 * picks the next date from the day and month fields and then skips it unless its weekday is in the day-of-week
 * field (atifaziz/NCrontab, NCrontab/CrontabSchedule.cs, TryGetNextOccurrence).
 */
export function nextNcrontabOccurrence(schedule: NcrontabSchedule, after: Date): Date | null {
  const start = new Date((Math.floor(after.getTime() / 1000) + 1) * 1000);
  const year = start.getUTCFullYear();
  const month = start.getUTCMonth() + 1;
  const day = start.getUTCDate();
  // Days are sorted: the schedule fires at some time when its first day exists in one of its months. Each such
  // date falls on every day of the week within 40 years (Feb 29 on a given weekday is the rarest), so the
  // search below ends.
  if (!schedule.months.some((m) => schedule.days[0]! <= MONTH_DAYS[m - 1]!)) return null;
  const time = firstTime(schedule, start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds());
  // Today only if a time is left today; otherwise from tomorrow (a day past the month's end moves to the next).
  const date = firstDate(schedule, year, month, time ? day : day + 1);
  const [hour, minute, second] =
    time && date[2] === day && date[1] === month && date[0] === year
      ? time
      : [schedule.hours[0]!, schedule.minutes[0]!, schedule.seconds[0]!];
  return new Date(Date.UTC(date[0], date[1] - 1, date[2], hour, minute, second));
}

/** The first time of day at or after hour:minute:second that the time fields allow, or null. */
function firstTime(
  schedule: NcrontabSchedule,
  hour: number,
  minute: number,
  second: number,
): [number, number, number] | null {
  for (const h of schedule.hours.filter((h) => h >= hour)) {
    for (const m of schedule.minutes.filter((m) => h > hour || m >= minute)) {
      const s = schedule.seconds.find((s) => h > hour || m > minute || s >= second);
      if (s !== undefined) return [h, m, s];
    }
  }
  return null;
}

/** The first date on or after year-month-day that the day, month and day-of-week fields allow. */
function firstDate(
  schedule: NcrontabSchedule,
  year: number,
  month: number,
  day: number,
): [number, number, number] {
  for (let y = year; ; y++) {
    for (const m of schedule.months.filter((m) => y > year || m >= month)) {
      const length = new Date(Date.UTC(y, m, 0)).getUTCDate();
      for (const d of schedule.days.filter((d) => d <= length && (y > year || m > month || d >= day))) {
        if (schedule.daysOfWeek.includes(new Date(Date.UTC(y, m - 1, d)).getUTCDay())) return [y, m, d];
      }
    }
  }
}
