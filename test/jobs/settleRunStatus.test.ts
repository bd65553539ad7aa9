import { describe, expect, it } from "vitest";
import type { AttemptResult } from "../../src/jobs/RunResult.js";
import { settleRunStatus } from "../../src/jobs/settleRunStatus.js";

const attempt: AttemptResult = {
  attempt: 1,
  status: null,
  durationMs: 1000,
  error: "timeout",
  retryAfterMs: 10,
};

describe("settleRunStatus", () => {
  it.each([
    ["a success", "succeeded", null, null],
    ["a failure", "failed", "HTTP_STATUS", "The API answered HTTP 500."],
    [
      "a per-attempt timeout (not the run's deadline)",
      "failed",
      "TIMEOUT",
      "No complete response within 300 ms.",
    ],
    ["a failure without a message", "failed", "NETWORK", null],
  ] as const)("keeps %s as it is", (_case, status, errorCode, errorMessage) => {
    expect(settleRunStatus({ status, errorCode, errorMessage, attempts: [attempt] }, 42_000)).toEqual({
      status,
      errorMessage,
      edge: null,
    });
  });

  it("names the downstream API when the deadline stopped the call after an attempt", () => {
    expect(
      settleRunStatus(
        {
          status: "failed",
          errorCode: "DEADLINE",
          errorMessage:
            "Attempt 2 had only 490 ms left before the run's deadline and got no response in time.",
          attempts: [attempt, { ...attempt, attempt: 2 }],
        },
        1_500,
      ),
    ).toEqual({
      status: "timed-out",
      errorMessage:
        "The downstream API did not finish within the run's deadline (1.5 s). Attempt 2 had only 490 ms left before the run's deadline and got no response in time.",
      edge: "the downstream API",
    });
  });

  it("names the token endpoint when the API was never called", () => {
    expect(
      settleRunStatus(
        {
          status: "failed",
          errorCode: "DEADLINE",
          errorMessage:
            "The run's deadline passed before the API was called (getting the token took 42000 ms).",
          attempts: [],
        },
        42_000,
      ),
    ).toEqual({
      status: "timed-out",
      errorMessage:
        "The token endpoint did not finish within the run's deadline (42 s). The run's deadline passed before the API was called (getting the token took 42000 ms).",
      edge: "the token endpoint",
    });
  });

  it("keeps a message that already names the edge, as a token request bounded by the deadline words it", () => {
    const errorMessage =
      "the token endpoint did not answer within 42 s: the invocation's deadline was reached. Check that the token endpoint is reachable from the app.";
    expect(
      settleRunStatus({ status: "failed", errorCode: "DEADLINE", errorMessage, attempts: [] }, 42_000),
    ).toEqual({ status: "timed-out", errorMessage, edge: "the token endpoint" });
  });

  it("names the edge the call named, as a cold start's certificate load from Key Vault words it", () => {
    const errorMessage =
      "Key Vault did not answer within 2.5 s: the invocation's deadline was reached. Check that Key Vault is reachable from the app.";
    expect(
      settleRunStatus(
        { status: "failed", errorCode: "DEADLINE", errorMessage, attempts: [], edge: "Key Vault" },
        2_500,
      ),
    ).toEqual({ status: "timed-out", errorMessage, edge: "Key Vault" });
  });

  it("leads with the edge the call named when its message does not start with it", () => {
    expect(
      settleRunStatus(
        {
          status: "failed",
          errorCode: "DEADLINE",
          errorMessage: "no token in time",
          attempts: [attempt],
          edge: "the managed identity endpoint",
        },
        2_500,
      ),
    ).toEqual({
      status: "timed-out",
      errorMessage:
        "The managed identity endpoint did not finish within the run's deadline (2.5 s). no token in time",
      edge: "the managed identity endpoint",
    });
  });

  it("keeps a failure that is not the deadline's as it is, whatever edge the call named", () => {
    expect(
      settleRunStatus(
        {
          status: "failed",
          errorCode: "TOKEN",
          errorMessage: "Key Vault answered 503",
          attempts: [],
          edge: "Key Vault",
        },
        2_500,
      ),
    ).toEqual({ status: "failed", errorMessage: "Key Vault answered 503", edge: null });
  });

  it("does not take a message that merely begins with the edge's words for one naming it", () => {
    expect(
      settleRunStatus(
        { status: "failed", errorCode: "DEADLINE", errorMessage: "the token endpointless run", attempts: [] },
        5_000,
      ).errorMessage,
    ).toBe("The token endpoint did not finish within the run's deadline (5 s). the token endpointless run");
  });

  it("says only which edge ran out of time when the outcome has no message", () => {
    expect(
      settleRunStatus(
        { status: "failed", errorCode: "DEADLINE", errorMessage: null, attempts: [attempt] },
        9_500,
      ),
    ).toEqual({
      status: "timed-out",
      errorMessage: "The downstream API did not finish within the run's deadline (9.5 s).",
      edge: "the downstream API",
    });
  });
});
