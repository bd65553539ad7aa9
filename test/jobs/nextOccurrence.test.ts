import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../../src/errors.js";
import { ncrontabProblem, nextOccurrence } from "../../src/jobs/nextOccurrence.js";

describe("ncrontabProblem", () => {
  it.each(["0 */5 * * * *", "0 30 9 * * Mon-Fri", "0 0 0 29 Feb Mon"])("accepts %s", (schedule) => {
    expect(ncrontabProblem(schedule)).toBeNull();
  });

  it.each([
    ["0 0 0 * * 7", "day-of-week: 7 is out of range 0–6 (Sunday is 0)"],
    [
      "0 0 0 30 Feb *",
      "it never fires: no date has day 30, month Feb and day-of-week * (the host fires only when all three match)",
    ],
    [
      "0  0 0 31 4,6  *",
      "it never fires: no date has day 31, month 4,6 and day-of-week * (the host fires only when all three match)",
    ],
  ])("refuses %s: %s", (schedule, problem) => {
    expect(ncrontabProblem(schedule)).toBe(problem);
  });
});

describe("nextOccurrence", () => {
  it("reads the schedule in UTC", () => {
    expect(nextOccurrence("0 30 9 * * Mon-Fri", new Date("2026-11-21T10:00:00Z"))).toEqual(
      new Date("2026-11-23T09:30:00Z"),
    );
  });

  it.each([
    [
      "0 0 0 * * L",
      "schedule '0 0 0 * * L': day-of-week: 'L' is not a number 0–6 (Sunday is 0) or a day name (Sun–Sat)",
    ],
    [
      "0 0 0 30 Feb *",
      "schedule '0 0 0 30 Feb *': it never fires: no date has day 30, month Feb and day-of-week * (the host fires only when all three match)",
    ],
  ])("throws a ConfigurationError for %s, which the settings check refuses", (schedule, problem) => {
    let thrown: unknown;
    try {
      nextOccurrence(schedule, new Date("2026-01-01T00:00:00Z"));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigurationError);
    expect((thrown as ConfigurationError).problems).toEqual([problem]);
  });
});
