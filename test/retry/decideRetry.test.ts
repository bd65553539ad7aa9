import { describe, expect, it } from "vitest";
import { decideRetry, type RetryInput } from "../../src/retry/decideRetry.js";

const input = (changes: Partial<RetryInput> = {}): RetryInput => ({
  attempt: 1,
  maxAttempts: 4,
  transient: true,
  retryAfterMs: null,
  backoffMs: 300,
  leftMs: 10_000,
  minAttemptMs: 100,
  ...changes,
});

describe("decideRetry", () => {
  it("retries a transient failure after the caller's backoff", () => {
    expect(decideRetry(input())).toEqual({ retry: true, waitMs: 300 });
  });

  it("waits what the server asked for (Retry-After) instead of its own backoff, longer or shorter", () => {
    expect(decideRetry(input({ retryAfterMs: 2_000 }))).toEqual({ retry: true, waitMs: 2_000 });
    expect(decideRetry(input({ retryAfterMs: 0 }))).toEqual({ retry: true, waitMs: 0 });
  });

  it("never waits a negative time", () => {
    expect(decideRetry(input({ backoffMs: -5 }))).toEqual({ retry: true, waitMs: 0 });
  });

  it("does not retry a permanent failure, whatever time and attempts are left", () => {
    expect(decideRetry(input({ transient: false }))).toEqual({
      retry: false,
      reason: "permanent",
      waitMs: 300,
    });
  });

  it("stops after the last allowed attempt, and retries before it", () => {
    expect(decideRetry(input({ attempt: 4 }))).toEqual({ retry: false, reason: "attempts", waitMs: 300 });
    expect(decideRetry(input({ attempt: 5 }))).toMatchObject({ retry: false, reason: "attempts" });
    expect(decideRetry(input({ attempt: 3 }))).toEqual({ retry: true, waitMs: 300 });
  });

  it("retries when the wait leaves exactly the minimum attempt time before the deadline", () => {
    expect(decideRetry(input({ retryAfterMs: 900, leftMs: 1_000 }))).toEqual({ retry: true, waitMs: 900 });
  });

  it("does not start a wait that would leave less than the minimum attempt time, and says how long it was", () => {
    expect(decideRetry(input({ retryAfterMs: 901, leftMs: 1_000 }))).toEqual({
      retry: false,
      reason: "deadline",
      waitMs: 901,
    });
    expect(decideRetry(input({ retryAfterMs: 120_000, leftMs: 30_000 }))).toEqual({
      retry: false,
      reason: "deadline",
      waitMs: 120_000,
    });
  });
});
