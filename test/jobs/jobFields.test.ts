import { describe, expect, it } from "vitest";
import {
  boolean,
  DEFAULT_RETRY,
  DEFAULT_TIMEOUT_MS,
  describe as describeValue,
  integer,
  isDefaultScope,
  JOB_NAME,
  JOB_NAME_EXPECTED,
  parseRetry,
  parseSchedule,
  parseScope,
  unknownFieldProblems,
} from "../../src/jobs/jobFields.js";

const SIX_FIELDS = "NCRONTAB needs six fields ({second} {minute} {hour} {day} {month} {day-of-week})";
const SCHEDULE_EXPECTED = 'a six-field NCRONTAB expression ("0 */5 * * * *") or a %SETTING% reference';

/** A FieldProblem that keeps what it was told. */
function collector() {
  const problems: [field: string, expected: string, got: unknown][] = [];
  return {
    problems,
    problem: (field: string, expected: string, got: unknown) => problems.push([field, expected, got]),
  };
}

describe("JOB_NAME", () => {
  it.each(["a", "Sync-Changes-2", `a${"b".repeat(62)}`])("accepts %s", (name) => {
    expect(JOB_NAME.test(name)).toBe(true);
  });

  it.each([
    ["an empty name", ""],
    ["a name starting with a digit", "2sync"],
    ["a name starting with a dash", "-sync"],
    ["an underscore", "sync_changes"],
    ["a dot", "sync.changes"],
    ["64 characters", `a${"b".repeat(63)}`],
    ["a name followed by a line", "sync\nx"],
  ])("refuses %s", (_what, name) => {
    expect(JOB_NAME.test(name)).toBe(false);
  });

  it("is described in words for a problem", () => {
    expect(JOB_NAME_EXPECTED).toBe(
      "a name of letters, digits and dashes starting with a letter (at most 63)",
    );
  });
});

describe("defaults", () => {
  it("times an attempt out after 30 s", () => {
    expect(DEFAULT_TIMEOUT_MS).toBe(30_000);
  });

  it("retries 4 attempts in all, backing off from 500 ms up to 30 s", () => {
    expect(DEFAULT_RETRY).toStrictEqual({ maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 });
    expect(Object.isFrozen(DEFAULT_RETRY)).toBe(true);
  });
});

describe("parseSchedule", () => {
  it("takes a six-field NCRONTAB expression as it is, trimmed", () => {
    const { problems, problem } = collector();
    expect(parseSchedule("  0 */5 * * * *\n", {}, problem)).toStrictEqual({
      schedule: "0 */5 * * * *",
      resolvedSchedule: "0 */5 * * * *",
    });
    expect(problems).toStrictEqual([]);
  });

  it("resolves a %SETTING% reference from the app settings, trimmed", () => {
    const { problems, problem } = collector();
    expect(parseSchedule(" %Sync_1.a:b-c% ", { "Sync_1.a:b-c": " 0 0 * * * * " }, problem)).toStrictEqual({
      schedule: "%Sync_1.a:b-c%",
      resolvedSchedule: "0 0 * * * *",
    });
    expect(problems).toStrictEqual([]);
  });

  it.each([
    ["nothing", undefined],
    ["a number", 5],
    ["an empty string", ""],
    ["white space", " \t"],
  ])("refuses %s, leaving both empty", (_what, value) => {
    const { problems, problem } = collector();
    expect(parseSchedule(value, {}, problem)).toStrictEqual({ schedule: "", resolvedSchedule: "" });
    expect(problems).toStrictEqual([["schedule", SCHEDULE_EXPECTED, value]]);
  });

  it.each([
    ["missing", {}],
    ["empty", { SYNC_SCHEDULE: "" }],
    ["only white space", { SYNC_SCHEDULE: "  " }],
  ])("refuses a reference to a setting that is %s, naming the setting", (_what, env) => {
    const { problems, problem } = collector();
    expect(parseSchedule("%SYNC_SCHEDULE%", env, problem)).toStrictEqual({
      schedule: "%SYNC_SCHEDULE%",
      resolvedSchedule: "",
    });
    expect(problems).toStrictEqual([
      ["schedule", "app setting SYNC_SCHEDULE (referenced by %SYNC_SCHEDULE%) to be set", "it is missing"],
    ]);
  });

  it("refuses a setting whose value is not NCRONTAB, showing the reference and its value", () => {
    const { problems, problem } = collector();
    expect(parseSchedule("%SYNC_SCHEDULE%", { SYNC_SCHEDULE: "0 */5 * * *" }, problem)).toStrictEqual({
      schedule: "%SYNC_SCHEDULE%",
      resolvedSchedule: "0 */5 * * *",
    });
    expect(problems).toStrictEqual([
      ["schedule", `a six-field NCRONTAB expression (${SIX_FIELDS}; got 5)`, "%SYNC_SCHEDULE% = 0 */5 * * *"],
    ]);
  });

  it("refuses an expression that is not NCRONTAB", () => {
    const { problems, problem } = collector();
    parseSchedule("0 */5 * * *", {}, problem);
    expect(problems).toStrictEqual([
      ["schedule", `a six-field NCRONTAB expression (${SIX_FIELDS}; got 5)`, "0 */5 * * *"],
    ]);
  });

  it("refuses a schedule that never fires", () => {
    const { problems, problem } = collector();
    parseSchedule("0 0 0 30 Feb *", {}, problem);
    expect(problems).toStrictEqual([
      [
        "schedule",
        "a six-field NCRONTAB expression (it never fires: no date has day 30, month Feb and day-of-week * " +
          "(the host fires only when all three match))",
        "0 0 0 30 Feb *",
      ],
    ]);
  });

  it.each([
    ["without a name", "%%"],
    ["with a space in the name", "%SYNC SCHEDULE%"],
    ["with text before it", "x%SYNC%"],
    ["with text after it", "%SYNC%x"],
  ])("takes a %%…%% %s as an expression, not a reference", (_what, schedule) => {
    const { problems, problem } = collector();
    const env = { SYNC: "0 0 * * * *", "": "0 0 * * * *", "SYNC SCHEDULE": "0 0 * * * *" };
    expect(parseSchedule(schedule, env, problem)).toStrictEqual({ schedule, resolvedSchedule: schedule });
    expect(problems).toStrictEqual([
      [
        "schedule",
        `a six-field NCRONTAB expression (${SIX_FIELDS}; got ${schedule.split(" ").length})`,
        schedule,
      ],
    ]);
  });
});

describe("parseRetry", () => {
  it.each([
    ["nothing", undefined],
    ["null", null],
    ["an empty object", {}],
  ])("gives the default policy for %s", (_what, value) => {
    const { problems, problem } = collector();
    expect(parseRetry(value, problem)).toStrictEqual(DEFAULT_RETRY);
    expect(problems).toStrictEqual([]);
  });

  it.each([
    ["maxAttempts", { maxAttempts: 1 }, { maxAttempts: 1, baseDelayMs: 500, maxDelayMs: 30_000 }],
    ["baseDelayMs", { baseDelayMs: 0 }, { maxAttempts: 4, baseDelayMs: 0, maxDelayMs: 30_000 }],
    ["maxDelayMs", { maxDelayMs: 600_000 }, { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 600_000 }],
  ])("takes only %s from a partial policy, the rest from the default", (_field, value, policy) => {
    const { problems, problem } = collector();
    expect(parseRetry(value, problem)).toStrictEqual(policy);
    expect(problems).toStrictEqual([]);
  });

  it("gives a frozen policy", () => {
    expect(Object.isFrozen(parseRetry({ maxAttempts: 2 }, collector().problem))).toBe(true);
  });

  it.each([
    ["a number", 3],
    ["a string", "4"],
    ["an array", [4, 500, 30_000]],
  ])("refuses %s, giving the default policy", (_what, value) => {
    const { problems, problem } = collector();
    expect(parseRetry(value, problem)).toBe(DEFAULT_RETRY);
    expect(problems).toStrictEqual([["retry", "{ maxAttempts, baseDelayMs, maxDelayMs }", value]]);
  });

  it.each([
    ["maxAttempts", 0, "a whole number from 1 to 20"],
    ["maxAttempts", 21, "a whole number from 1 to 20"],
    ["baseDelayMs", -1, "a whole number from 0 to 600000"],
    ["baseDelayMs", 600_001, "a whole number from 0 to 600000"],
    ["maxDelayMs", -1, "a whole number from 0 to 600000"],
    ["maxDelayMs", 600_001, "a whole number from 0 to 600000"],
  ])("refuses retry.%s of %s, keeping its default", (field, value, expected) => {
    const { problems, problem } = collector();
    expect(parseRetry({ [field]: value }, problem)).toStrictEqual(DEFAULT_RETRY);
    expect(problems).toStrictEqual([[`retry.${field}`, expected, value]]);
  });

  it("takes each field's upper bound", () => {
    const { problems, problem } = collector();
    expect(parseRetry({ maxAttempts: 20, baseDelayMs: 600_000, maxDelayMs: 0 }, problem)).toStrictEqual({
      maxAttempts: 20,
      baseDelayMs: 600_000,
      maxDelayMs: 0,
    });
    expect(problems).toStrictEqual([]);
  });

  it("reports every field it refuses", () => {
    const { problems, problem } = collector();
    parseRetry({ maxAttempts: 1.5, baseDelayMs: "1", maxDelayMs: null }, problem);
    expect(problems.map(([field]) => field)).toStrictEqual([
      "retry.maxAttempts",
      "retry.baseDelayMs",
      "retry.maxDelayMs",
    ]);
  });
});

describe("integer", () => {
  it("gives the fallback for nothing, without a problem", () => {
    const { problems, problem } = collector();
    expect(integer(undefined, 7, 1, 10, "count", problem)).toBe(7);
    expect(problems).toStrictEqual([]);
  });

  it.each([1, 5, 10])("takes %s between the bounds, both included", (value) => {
    const { problems, problem } = collector();
    expect(integer(value, 7, 1, 10, "count", problem)).toBe(value);
    expect(problems).toStrictEqual([]);
  });

  it.each([
    ["below the lower bound", 0],
    ["above the upper bound", 11],
    ["a fraction", 1.5],
    ["not a number", Number.NaN],
    ["infinite", Number.POSITIVE_INFINITY],
    ["a string of digits", "5"],
    ["null", null],
  ])("refuses a value %s, giving the fallback", (_what, value) => {
    const { problems, problem } = collector();
    expect(integer(value, 7, 1, 10, "count", problem)).toBe(7);
    expect(problems).toStrictEqual([["count", "a whole number from 1 to 10", value]]);
  });
});

describe("boolean", () => {
  it.each([true, false])("gives the fallback %s for nothing, without a problem", (fallback) => {
    const { problems, problem } = collector();
    expect(boolean(undefined, fallback, "enabled", problem)).toBe(fallback);
    expect(problems).toStrictEqual([]);
  });

  it.each([
    [true, false],
    [false, true],
  ])("takes %s over the fallback", (value, fallback) => {
    const { problems, problem } = collector();
    expect(boolean(value, fallback, "enabled", problem)).toBe(value);
    expect(problems).toStrictEqual([]);
  });

  it.each([
    ["a string", "false"],
    ["a number", 0],
    ["null", null],
  ])("refuses %s, giving the fallback", (_what, value) => {
    const { problems, problem } = collector();
    expect(boolean(value, true, "enabled", problem)).toBe(true);
    expect(problems).toStrictEqual([["enabled", "true or false", value]]);
  });
});

describe("describe", () => {
  it("shows nothing as 'nothing'", () => {
    expect(describeValue(undefined)).toBe("nothing");
  });

  it.each([
    ["a string", "0 */5", '"0 */5"'],
    ["a number", 1.5, "1.5"],
    ["null", null, "null"],
    ["an object", { a: [1, true] }, '{"a":[1,true]}'],
  ])("shows %s as JSON", (_what, value, text) => {
    expect(describeValue(value)).toBe(text);
  });

  it.each([
    ["a function", () => 1, "a function"],
    ["a symbol", Symbol("x"), "a symbol"],
    ["a BigInt", 10n, "a bigint"],
  ])("names the type of %s, which JSON cannot show", (_what, value, text) => {
    expect(describeValue(value)).toBe(text);
  });

  it("names an object with a cycle, which JSON refuses, as an object", () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(describeValue(cycle)).toBe("an object");
  });

  it("scrubs a URL's query and a token", () => {
    expect(describeValue("https://api.example/v1?key=abc")).toBe('"https://api.example/v1?<query removed>"');
    expect(describeValue("Bearer abcdefghijkl")).toBe('"Bearer <redacted>"');
  });

  it("shows up to 80 characters whole", () => {
    const text = "x".repeat(78); // 80 with its quotes
    expect(describeValue(text)).toBe(`"${text}"`);
  });

  it("cuts a longer text to 77 characters and an ellipsis", () => {
    expect(describeValue("x".repeat(79))).toBe(`"${"x".repeat(76)}...`);
  });
});

describe("parseScope", () => {
  it("takes a <resource>/.default scope, falls back when none is named, and reports any other", () => {
    const problems: unknown[][] = [];
    const problem = (...args: unknown[]) => void problems.push(args);
    expect(parseScope(undefined, "api://app/.default", problem)).toBe("api://app/.default");
    expect(parseScope("https://graph.microsoft.com/.default", "x", problem)).toBe(
      "https://graph.microsoft.com/.default",
    );
    expect(parseScope("api://app/read", "api://app/.default", problem)).toBe("api://app/.default");
    expect(parseScope(42, "api://app/.default", problem)).toBe("api://app/.default");
    expect(problems).toEqual([
      ["scope", "<resource>/.default", "api://app/read"],
      ["scope", "<resource>/.default", 42],
    ]);
  });

  it("takes no white space in a scope, and nothing after .default", () => {
    expect([
      isDefaultScope("api://a b/.default"),
      isDefaultScope("/.default"),
      isDefaultScope("api://app/.default/x"),
      isDefaultScope("xapi://app/.default"),
      isDefaultScope(null),
      // Not a string, though it reads as one.
      isDefaultScope({ toString: () => "api://app/.default" }),
    ]).toEqual([false, false, false, true, false, false]);
  });
});

describe("unknownFieldProblems", () => {
  it("names each field not known, in order, with the known ones", () => {
    expect(
      unknownFieldProblems({ name: 1, shedule: 2, retries: 3 }, new Set(["name", "schedule"]), "job 'a'"),
    ).toEqual([
      "job 'a'.shedule: unknown field (known: name, schedule)",
      "job 'a'.retries: unknown field (known: name, schedule)",
    ]);
    expect(unknownFieldProblems({ name: 1 }, new Set(["name"]), "x")).toEqual([]);
  });
});
