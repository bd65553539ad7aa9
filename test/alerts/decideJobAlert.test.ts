import { describe, expect, it } from "vitest";
import type { AlertState } from "../../src/alerts/AlertLedger.js";
import { decideJobAlert } from "../../src/alerts/decideJobAlert.js";
import type { RunResult } from "../../src/jobs/RunResult.js";

const run = (status: "succeeded" | "failed"): RunResult => ({
  runId: "run-9",
  job: "sync",
  trigger: "timer",
  status,
  startedAt: "2026-11-21T10:00:00.000Z",
  durationMs: 12,
  attempts: [
    { attempt: 1, status: status === "failed" ? 503 : 200, durationMs: 12, error: null, retryAfterMs: null },
  ],
  httpStatus: status === "failed" ? 503 : 200,
  bytes: 0,
  json: null,
  errorBodyExcerpt: null,
  errorCode: status === "failed" ? "HTTP_STATUS" : null,
  errorMessage: status === "failed" ? "The API answered 503." : null,
  correlation: { traceparent: "00-a-b-01", clientRequestId: "client-1", requestId: "server-1" },
  isPastDue: false,
  skippedReason: null,
});

const firing: AlertState = {
  subject: "job:sync",
  status: "firing",
  step: "failures>=3",
  since: "2026-11-21T09:50:00.000Z",
  episode: "job:sync:failing-since:2026-11-21T09:00:00.000Z",
};

describe("decideJobAlert", () => {
  it.each([
    ["below the threshold", null, "failed", 2, "none"],
    ["at the threshold", null, "failed", 3, "fire"],
    ["above the threshold while already firing", firing, "failed", 4, "none"],
    ["a success while firing", firing, "succeeded", 0, "resolve"],
    ["a success while all is well", null, "succeeded", 0, "none"],
  ] as const)("%s: %s", (_name, state, status, failures, action) => {
    const decision = decideJobAlert({
      job: "sync",
      state,
      result: run(status),
      consecutiveFailures: failures,
      lastSuccessAt: "2026-11-21T09:00:00.000Z",
      threshold: 3,
    });
    expect(decision.action).toBe(action);
  });

  it("keys the alert by the failure streak, so deciding twice gives the same alert", () => {
    const decide = (runId: string) =>
      decideJobAlert({
        job: "sync",
        state: null,
        result: { ...run("failed"), runId },
        consecutiveFailures: 3,
        lastSuccessAt: "2026-11-21T09:00:00.000Z",
        threshold: 3,
      });
    const first = decide("run-3");
    const again = decide("run-4");
    expect(first.action === "fire" && first.alert.dedupeKey).toBe(
      "job:sync:failing-since:2026-11-21T09:00:00.000Z:firing",
    );
    expect(again.action === "fire" && again.alert.dedupeKey).toBe(
      first.action === "fire" && first.alert.dedupeKey,
    );
  });

  it("says what failed, how often and the correlation ids", () => {
    const decision = decideJobAlert({
      job: "sync",
      state: null,
      result: run("failed"),
      consecutiveFailures: 3,
      lastSuccessAt: null,
      threshold: 3,
    });
    if (decision.action !== "fire") throw new Error("expected fire");
    expect(decision.alert).toMatchObject({
      kind: "firing",
      severity: "critical",
      title: "Job 'sync' failed 3 times in a row",
    });
    expect(decision.alert.text).toMatch(/^The API answered 503\./);
    expect(decision.alert.facts).toEqual(
      expect.arrayContaining([
        { name: "Error", value: "HTTP_STATUS" },
        { name: "x-ms-client-request-id", value: "client-1" },
        { name: "x-ms-request-id", value: "server-1" },
      ]),
    );
  });

  it("resolves with a key tied to the episode it closes", () => {
    const decision = decideJobAlert({
      job: "sync",
      state: firing,
      result: run("succeeded"),
      consecutiveFailures: 0,
      lastSuccessAt: null,
      threshold: 3,
    });
    expect(decision.action === "resolve" && decision.alert.dedupeKey).toBe(`${firing.episode}:resolved`);
  });
});
