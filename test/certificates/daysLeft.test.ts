import { describe, expect, it } from "vitest";
import { daysLeft } from "../../src/certificates/daysLeft.js";

const DAY = 86_400_000;
const notAfter = new Date("2030-06-21T06:00:00.000Z");
const at = (msBeforeExpiry: number) => new Date(notAfter.getTime() - msBeforeExpiry);

describe("daysLeft", () => {
  it.each([
    ["20 days and 1 ms", 20 * DAY + 1, 21],
    ["exactly 20 days", 20 * DAY, 20],
    ["19.5 days (the demo's certificate, shortly after start)", 19.5 * DAY, 20],
    ["1 ms over 19 days", 19 * DAY + 1, 20],
    ["exactly 19 days", 19 * DAY, 19],
    ["1 ms", 1, 1],
    ["nothing: it expires now", 0, 0],
    ["1 ms past expiry", -1, 0],
    ["half a day past expiry", -0.5 * DAY, 0],
    ["a full day past expiry", -DAY, -1],
    ["a day and 1 ms past expiry", -DAY - 1, -1],
  ])("counts a part day as a day: %s left is %d", (_name, leftMs, days) => {
    expect(daysLeft(notAfter, at(leftMs))).toBe(days);
  });

  it("never says -0", () => {
    expect(Object.is(daysLeft(notAfter, at(-1)), 0)).toBe(true);
  });
});
