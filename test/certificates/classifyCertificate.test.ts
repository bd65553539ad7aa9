import { describe, expect, it } from "vitest";
import { classifyCertificate } from "../../src/certificates/classifyCertificate.js";
import type { ExpiryPolicy } from "../../src/certificates/ExpiryPolicy.js";

const DAY = 86_400_000;
const policy: ExpiryPolicy = { warningDays: 30, criticalDays: 7, reminderDays: [30, 14, 7, 3, 1] };
const notAfter = new Date("2027-01-31T12:00:00.000Z");
const notBefore = new Date(notAfter.getTime() - 365 * DAY);
const at = (msBeforeExpiry: number) => new Date(notAfter.getTime() - msBeforeExpiry);

describe("classifyCertificate", () => {
  it.each([
    ["more than 30 days left", 30 * DAY + 1, "valid", 31, null],
    ["exactly 30 days left", 30 * DAY, "warning", 30, 30],
    ["1 ms under 30 days left", 30 * DAY - 1, "warning", 30, 30],
    ["1 ms over 14 days left", 14 * DAY + 1, "warning", 15, 30],
    ["exactly 14 days left", 14 * DAY, "warning", 14, 14],
    ["1 ms over 7 days left", 7 * DAY + 1, "warning", 8, 14],
    ["exactly 7 days left", 7 * DAY, "critical", 7, 7],
    ["1 ms under 7 days left", 7 * DAY - 1, "critical", 7, 7],
    ["exactly 3 days left", 3 * DAY, "critical", 3, 3],
    ["1 ms over 1 day left", DAY + 1, "critical", 2, 3],
    ["exactly 1 day left", DAY, "critical", 1, 1],
    ["1 ms left", 1, "critical", 1, 1],
    ["exactly at notAfter", 0, "expired", 0, 1],
    ["1 ms after notAfter", -1, "expired", 0, 1],
    ["a full day after notAfter", -DAY, "expired", -1, 1],
    ["a day and 1 ms after notAfter", -DAY - 1, "expired", -1, 1],
  ] as const)("%s (%d ms left): %s, %s days left, step %s", (_name, leftMs, state, daysLeft, step) => {
    expect(classifyCertificate({ notBefore, notAfter, enabled: true, now: at(leftMs), policy })).toEqual({
      state,
      daysLeft,
      step,
    });
  });

  it.each([
    ["1 ms before notBefore", -1, "not-yet-valid", 366],
    ["exactly at notBefore", 0, "valid", 365],
  ] as const)("%s: %s", (_name, msAfterNotBefore, state, daysLeft) => {
    const now = new Date(notBefore.getTime() + msAfterNotBefore);
    expect(classifyCertificate({ notBefore, notAfter, enabled: true, now, policy })).toEqual({
      state,
      daysLeft,
      step: null,
    });
  });

  it("takes a null notBefore as no constraint: valid from the start", () => {
    expect(
      classifyCertificate({ notBefore: null, notAfter, enabled: true, now: at(365 * DAY), policy }),
    ).toEqual({ state: "valid", daysLeft: 365, step: null });
  });

  it("is not-yet-valid, with no reminder step, even when it will expire within the critical window", () => {
    const shortLived = { notBefore: at(DAY), notAfter };
    expect(classifyCertificate({ ...shortLived, enabled: true, now: at(2 * DAY), policy })).toEqual({
      state: "not-yet-valid",
      daysLeft: 2,
      step: null,
    });
  });

  it.each([
    ["valid dates", at(60 * DAY), 60],
    ["an expired certificate", at(-2 * DAY), -2],
  ])("is disabled whatever its dates say (%s), still telling the days left", (_name, now, daysLeft) => {
    expect(classifyCertificate({ notBefore, notAfter, enabled: false, now, policy })).toEqual({
      state: "disabled",
      daysLeft,
      step: null,
    });
  });

  it("is disabled without an expiry date, with no days left to tell", () => {
    expect(classifyCertificate({ notBefore, notAfter: null, enabled: false, now: notAfter, policy })).toEqual(
      {
        state: "disabled",
        daysLeft: null,
        step: null,
      },
    );
  });

  it.each([
    ["no dates at all", null],
    ["a notBefore in the future", new Date(notAfter.getTime() + DAY)],
  ])("is unknown, never 'never expires', without an expiry date (%s)", (_name, start) => {
    expect(
      classifyCertificate({ notBefore: start, notAfter: null, enabled: true, now: notAfter, policy }),
    ).toEqual({ state: "unknown", daysLeft: null, step: null });
  });

  it("reaches reminder steps set earlier than the warning threshold while still valid", () => {
    const early: ExpiryPolicy = { warningDays: 30, criticalDays: 7, reminderDays: [60, 30] };
    expect(
      classifyCertificate({ notBefore, notAfter, enabled: true, now: at(45 * DAY), policy: early }),
    ).toEqual({ state: "valid", daysLeft: 45, step: 60 });
  });

  it("has no step while warning when no reminder step is reached yet", () => {
    const late: ExpiryPolicy = { warningDays: 30, criticalDays: 7, reminderDays: [7, 3] };
    expect(
      classifyCertificate({ notBefore, notAfter, enabled: true, now: at(20 * DAY), policy: late }),
    ).toEqual({ state: "warning", daysLeft: 20, step: null });
  });

  it("has no step when the policy has no reminders", () => {
    const silent: ExpiryPolicy = { warningDays: 30, criticalDays: 7, reminderDays: [] };
    expect(
      classifyCertificate({ notBefore, notAfter, enabled: true, now: at(DAY), policy: silent }).step,
    ).toBe(null);
  });
});
