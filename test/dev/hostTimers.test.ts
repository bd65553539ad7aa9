import { describe, expect, it } from "vitest";
import { checkPastDue } from "../../dev/host/checkPastDue.js";
import { firesAtMostOncePerMinute, parseTimerSchedule } from "../../dev/host/parseTimerSchedule.js";
import { resolveSettingReferences } from "../../dev/host/resolveSettingReferences.js";
import { formatHostDate, timerPayload } from "../../dev/host/timerPayload.js";

const at = (iso: string) => new Date(iso);
const everyFiveMinutes = parseTimerSchedule("0 */5 * * * *");

describe("parseTimerSchedule", () => {
  it("reads six-field NCRONTAB in UTC", () => {
    expect(everyFiveMinutes.next(at("2025-01-01T10:02:30Z"))).toEqual(at("2025-01-01T10:05:00Z"));
    expect(everyFiveMinutes.next(at("2025-01-01T10:05:00Z"))).toEqual(at("2025-01-01T10:10:00Z"));
    expect(parseTimerSchedule("0 30 9 * * 1-5").next(at("2025-01-04T12:00:00Z"))).toEqual(
      at("2025-01-06T09:30:00Z"),
    );
  });

  it("reads a TimeSpan as a constant interval", () => {
    const schedule = parseTimerSchedule("01:30:00");
    expect(schedule.kind).toBe("Constant");
    expect(schedule.next(at("2025-01-01T10:00:00Z"))).toEqual(at("2025-01-01T11:30:00Z"));
  });

  it.each([
    [
      "0 */5 * * *",
      "NCRONTAB needs six fields ({second} {minute} {hour} {day} {month} {day-of-week}); got 5.",
    ],
    [
      "0 0 25 * * *",
      "The schedule expression '0 0 25 * * *' was not recognized as a valid cron expression or timespan string",
    ],
    [
      "0 0 0 * * 7",
      "The schedule expression '0 0 0 * * 7' was not recognized as a valid cron expression or timespan string: " +
        "day-of-week: 7 is out of range 0–6 (Sunday is 0).",
    ],
  ])("rejects %s", (expression, message) => {
    expect(() => parseTimerSchedule(expression)).toThrow(message);
  });

  it("waits for ever on a schedule that never fires, as the host does (NCrontab's DateTime.MaxValue)", () => {
    expect(parseTimerSchedule("0 0 0 30 Feb *").next(at("2025-01-01T00:00:00Z"))).toEqual(
      at("9999-12-31T23:59:59.999Z"),
    );
  });

  it("says whether the schedule monitor applies (not below one minute)", () => {
    const from = at("2025-01-01T00:00:00Z");
    expect(firesAtMostOncePerMinute(everyFiveMinutes, from)).toBe(true);
    expect(firesAtMostOncePerMinute(parseTimerSchedule("0 * * * * *"), from)).toBe(true);
    expect(firesAtMostOncePerMinute(parseTimerSchedule("*/30 * * * * *"), from)).toBe(false);
  });
});

describe("resolveSettingReferences", () => {
  it("replaces %NAME% with the setting", () => {
    expect(resolveSettingReferences("%SCHEDULE%", { SCHEDULE: "0 0 * * * *" })).toBe("0 0 * * * *");
    expect(resolveSettingReferences("0 %MIN% * * * *", { MIN: "15" })).toBe("0 15 * * * *");
  });

  it("names a setting that is missing or empty", () => {
    expect(() => resolveSettingReferences("%SCHEDULE%", { SCHEDULE: "" })).toThrow(
      "'%SCHEDULE%' does not resolve to a value: set the app setting SCHEDULE.",
    );
  });
});

describe("checkPastDue", () => {
  const now = at("2025-01-01T10:12:00Z");

  it("records the next occurrence of a timer never seen before, not past due", () => {
    expect(checkPastDue(now, everyFiveMinutes, undefined)).toEqual({
      pastDueMs: 0,
      status: { next: at("2025-01-01T10:15:00Z"), lastUpdated: now },
      changed: true,
    });
  });

  it("is past due when the recorded next occurrence passed while the host was stopped", () => {
    const recorded = {
      last: at("2025-01-01T10:00:00Z"),
      next: at("2025-01-01T10:05:00Z"),
      lastUpdated: at("2025-01-01T10:00:00Z"),
    };
    expect(checkPastDue(now, everyFiveMinutes, recorded)).toEqual({
      pastDueMs: 7 * 60_000,
      status: recorded,
      changed: false,
    });
  });

  it("is not past due while the recorded next occurrence is ahead", () => {
    const recorded = {
      last: at("2025-01-01T10:10:00Z"),
      next: at("2025-01-01T10:15:00Z"),
      lastUpdated: at("2025-01-01T10:10:00Z"),
    };
    expect(checkPastDue(now, everyFiveMinutes, recorded).pastDueMs).toBe(0);
  });

  it("re-bases instead of reporting past due when the schedule changed since the record", () => {
    const hourly = parseTimerSchedule("0 0 * * * *");
    const recorded = {
      last: at("2025-01-01T10:00:00Z"),
      next: at("2025-01-01T10:05:00Z"),
      lastUpdated: at("2025-01-01T10:00:00Z"),
    };
    expect(checkPastDue(now, hourly, recorded)).toEqual({
      pastDueMs: 0,
      status: { next: at("2025-01-01T11:00:00Z"), lastUpdated: at("2025-01-01T10:00:00Z") },
      changed: true,
    });
  });
});

describe("timerPayload", () => {
  it("formats dates as the host's JSON does", () => {
    expect(formatHostDate(at("2025-01-01T10:15:00.000Z"))).toBe("2025-01-01T10:15:00+00:00");
    expect(formatHostDate(at("2025-01-01T10:15:00.120Z"))).toBe("2025-01-01T10:15:00.12+00:00");
    expect(formatHostDate(undefined)).toBe("0001-01-01T00:00:00");
  });

  it("sends TimerInfo as JSON, schedule status null without the monitor", () => {
    expect(JSON.parse(timerPayload(true, null).json ?? "")).toEqual({
      Schedule: { AdjustForDST: true },
      ScheduleStatus: null,
      IsPastDue: true,
    });
    const status = { next: at("2025-01-01T10:15:00Z"), lastUpdated: at("2025-01-01T10:12:00Z") };
    expect(JSON.parse(timerPayload(false, status).json ?? "")).toMatchObject({
      ScheduleStatus: {
        Last: "0001-01-01T00:00:00",
        Next: "2025-01-01T10:15:00+00:00",
        LastUpdated: "2025-01-01T10:12:00+00:00",
      },
      IsPastDue: false,
    });
  });
});
