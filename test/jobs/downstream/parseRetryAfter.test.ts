import { describe, expect, it } from "vitest";
import { parseRetryAfter } from "../../../src/jobs/downstream/parseRetryAfter.js";

const now = new Date("2024-05-01T10:00:00.000Z");

describe("parseRetryAfter", () => {
  it.each([
    ["0", 0],
    ["2", 2_000],
    [" 120 ", 120_000],
    ["1.5", 1_500],
    ["Wed, 01 May 2024 10:00:30 GMT", 30_000],
    // RFC 850 and asctime forms, which recipients must also accept.
    ["Wednesday, 01-May-24 10:01:00 GMT", 60_000],
    ["Wed May  1 10:00:05 2024", 5_000],
  ])("%j means %i ms", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it("a date in the past means no wait", () => {
    expect(parseRetryAfter("Wed, 01 May 2024 09:00:00 GMT", now)).toBe(0);
  });

  it.each([[null], [undefined], [""], ["soon"], ["-5"], ["1e3"], ["2 seconds"], ["0x10"]])(
    "%j is not a Retry-After: null",
    (value) => {
      expect(parseRetryAfter(value, now)).toBeNull();
    },
  );
});
