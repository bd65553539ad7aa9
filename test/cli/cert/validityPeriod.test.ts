import { describe, expect, it } from "vitest";
import { validityPeriod } from "../../../src/cli/cert/validityPeriod.js";

describe("validityPeriod", () => {
  it.each([
    ["2026-03-15T10:00:00.000Z", 12, "2027-03-15T10:00:00.000Z"],
    ["2026-01-31T10:00:00.000Z", 1, "2026-02-28T10:00:00.000Z"],
    ["2028-01-31T10:00:00.000Z", 1, "2028-02-29T10:00:00.000Z"],
    ["2026-11-30T23:59:59.000Z", 3, "2027-02-28T23:59:59.000Z"],
    ["2026-05-01T00:00:00.000Z", 120, "2036-05-01T00:00:00.000Z"],
  ])("from %s for %i months ends %s", (now, months, notAfter) => {
    expect(validityPeriod(new Date(now), months).notAfter.toISOString()).toBe(notAfter);
  });

  it("starts 5 minutes before now, so a clock a little behind does not see a certificate from the future", () => {
    expect(validityPeriod(new Date("2026-03-15T10:00:00.000Z"), 12).notBefore.toISOString()).toBe(
      "2026-03-15T09:55:00.000Z",
    );
  });
});
