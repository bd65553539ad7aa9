import { describe, expect, it } from "vitest";
import { backoffDelay } from "../../../src/jobs/downstream/backoffDelay.js";

const policy = { baseDelayMs: 1_000, maxDelayMs: 10_000 };

describe("backoffDelay", () => {
  it.each([
    // attempt, random, expected ms
    [1, 0, 0],
    [1, 0.5, 500],
    [1, 0.999999, 999],
    [2, 0.5, 1_000],
    [3, 0.5, 2_000],
    [4, 0.5, 4_000],
    [4, 0.999999, 7_999],
    [5, 0.5, 5_000], // 16 000 capped at 10 000
    [5, 0.999999, 9_999],
    [60, 0.5, 5_000], // no overflow for absurd attempt numbers
  ])("attempt %i with random %d waits %i ms", (attempt, random, expected) => {
    expect(backoffDelay(attempt, policy, () => random)).toBe(expected);
  });

  it("never waits when the base delay is 0", () => {
    expect(backoffDelay(2_000, { baseDelayMs: 0, maxDelayMs: 10_000 }, () => 0.9)).toBe(0);
  });

  it("never exceeds the cap, even with a random source out of [0, 1)", () => {
    expect(backoffDelay(3, policy, () => 7)).toBe(4_000);
    expect(backoffDelay(3, policy, () => -1)).toBe(0);
  });

  it("treats attempt 0 or less as the first", () => {
    expect(backoffDelay(0, policy, () => 0.5)).toBe(500);
  });
});
