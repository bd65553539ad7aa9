import { describe, expect, it } from "vitest";
import type { FailedAttempt } from "../../../src/jobs/downstream/classifyAttempt.js";
import { nextStep, type FailedAttemptFacts } from "../../../src/jobs/downstream/nextStep.js";
import { response } from "./attemptFixtures.js";
import { fakeJwt } from "./fakeTokenSource.js";
import { testJob } from "./harness.js";

const NOW = new Date("2030-01-01T10:00:00.000Z");
const token = fakeJwt({ aud: "api://reports", roles: ["Reports.Read.All"], tid: "t" });
const statusFailure = (status: number): FailedAttempt => ({
  ok: false,
  failure: { kind: "status", status },
  summary: `HTTP ${status}`,
  network: null,
});
const timeout: FailedAttempt = { ok: false, failure: { kind: "timeout" }, summary: "timeout", network: null };

/** A first attempt that got `status`, with a minute left and a cached token; override what a test is about. */
function facts(status: number | null, overrides: Partial<FailedAttemptFacts> = {}): FailedAttemptFacts {
  const verdict = status === null ? timeout : statusFailure(status);
  return {
    job: testJob("https://api.test", { retry: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 30_000 } }),
    verdict,
    response: status === null ? null : response(status),
    attempt: { number: 1, error: verdict.summary },
    attempts: "1 attempt",
    policyAttempt: 1,
    token: { token, fromCache: true },
    refreshed: false,
    timeoutMs: 2_000,
    leftMs: 60_000,
    now: NOW,
    random: () => 0.5,
    secrets: [token],
    ...overrides,
  };
}

describe("nextStep", () => {
  it("refreshes the token once after a 401 to a cached token", () => {
    expect(nextStep(facts(401))).toEqual({ kind: "refresh-token" });
  });

  it.each([
    ["a fresh token", { token: { token, fromCache: false } }],
    ["a token already refreshed", { refreshed: true }],
  ])("stops with UNAUTHORIZED after a 401 to %s, in the API's words", (_case, overrides) => {
    const step = nextStep({
      ...facts(401),
      response: response(401, {
        headers: {
          "www-authenticate": 'Bearer error="invalid_token", error_description="The audience is invalid"',
        },
      }),
      ...overrides,
    });
    expect(step).toMatchObject({ kind: "stop", end: { status: "failed", errorCode: "UNAUTHORIZED" } });
    expect(step.kind === "stop" && step.end.errorMessage).toMatch(
      /^The API answered 401 Unauthorized to a freshly acquired token for 'api:\/\/reports\/\.default': The audience is invalid\./,
    );
  });

  it("stops with FORBIDDEN on a 403, quoting the API and never the token", () => {
    const step = nextStep({
      ...facts(403),
      response: response(403, {
        body: JSON.stringify({ error: { code: "Forbidden", message: `no role for ${token}` } }),
      }),
    });
    expect(step).toMatchObject({ kind: "stop", end: { errorCode: "FORBIDDEN" } });
    const message = step.kind === "stop" ? step.end.errorMessage : "";
    expect(message).toMatch(/^The API answered 403 Forbidden: Forbidden: no role for <redacted>\./);
    expect(message).not.toContain(token);
  });

  it("stops with DEADLINE when an attempt the deadline cut short timed out", () => {
    expect(nextStep(facts(null, { timeoutMs: 1_999 }))).toEqual({
      kind: "stop",
      end: {
        status: "failed",
        errorCode: "DEADLINE",
        errorMessage:
          "Attempt 1 had only 1999 ms left before the run's deadline and got no response in time.",
      },
    });
  });

  it("retries a failed status although the deadline cut the attempt's timeout: only a timeout is the deadline's", () => {
    expect(nextStep(facts(503, { timeoutMs: 1_999, random: () => 0.5 }))).toEqual({
      kind: "retry",
      waitMs: 500,
      source: "backoff",
    });
  });

  it("retries an attempt that timed out with the job's full timeout, after its backoff", () => {
    expect(nextStep(facts(null, { random: () => 0.25 }))).toEqual({
      kind: "retry",
      waitMs: 250,
      source: "backoff",
    });
  });

  it("doubles the backoff's ceiling with each attempt counted against the policy", () => {
    expect(nextStep(facts(503, { policyAttempt: 2, random: () => 0.5 }))).toEqual({
      kind: "retry",
      waitMs: 1_000,
      source: "backoff",
    });
  });

  it("waits as long as Retry-After asks, instead of the backoff", () => {
    expect(nextStep({ ...facts(429), response: response(429, { headers: { "retry-after": "7" } }) })).toEqual(
      {
        kind: "retry",
        waitMs: 7_000,
        source: "retry-after",
      },
    );
  });

  it("stops with DEADLINE, saying what the server asked, when Retry-After would pass the deadline", () => {
    const step = nextStep({
      ...facts(429, { leftMs: 9_950, attempts: "2 attempts", attempt: { number: 2, error: "HTTP 429" } }),
      response: response(429, { headers: { "retry-after": "120" } }),
    });
    expect(step).toEqual({
      kind: "stop",
      end: {
        status: "failed",
        errorCode: "DEADLINE",
        errorMessage:
          "The API answered HTTP 429 and asked to wait 120 s (Retry-After), which would pass the run's deadline (10 s left); stopped after 2 attempts.",
      },
    });
  });

  it("stops with DEADLINE when the backoff leaves less than an attempt's minimum before the deadline", () => {
    expect(nextStep(facts(503, { leftMs: 599, random: () => 0.5 }))).toEqual({
      kind: "stop",
      end: {
        status: "failed",
        errorCode: "DEADLINE",
        errorMessage:
          "Stopped after 1 attempt (last: HTTP 503): the next retry, in 500 ms, would pass the run's deadline (599 ms left).",
      },
    });
    expect(nextStep(facts(503, { leftMs: 600, random: () => 0.5 }))).toMatchObject({
      kind: "retry",
      waitMs: 500,
    });
    expect(nextStep(facts(503, { leftMs: -5, random: () => 0 })).kind === "stop").toBe(true);
  });

  it("says a negative time left is none", () => {
    const step = nextStep(facts(503, { leftMs: -5, random: () => 0.5 }));
    expect(step.kind === "stop" && step.end.errorMessage).toMatch(/\(0 ms left\)\.$/);
  });

  it("gives up after the job's last attempt, with the final failure's words", () => {
    expect(nextStep(facts(503, { policyAttempt: 3, attempts: "3 attempts" }))).toEqual({
      kind: "stop",
      end: {
        status: "failed",
        errorCode: "HTTP_STATUS",
        errorMessage: "The API answered HTTP 503 after 3 attempts.",
      },
    });
  });

  it.each([
    [2.7, 1, "retry"],
    [2.7, 2, "stop"],
    [0, 1, "stop"],
  ] as const)(
    "counts maxAttempts %s as whole attempts, at least one (attempt %i → %s)",
    (maxAttempts, attempt, kind) => {
      const job = testJob("https://api.test", { retry: { maxAttempts, baseDelayMs: 10, maxDelayMs: 10 } });
      expect(nextStep(facts(503, { job, policyAttempt: attempt })).kind).toBe(kind);
    },
  );

  it("does not retry a client error, nor a POST the job does not declare idempotent", () => {
    expect(nextStep(facts(400))).toMatchObject({ kind: "stop", end: { errorCode: "HTTP_STATUS" } });
    const post = testJob("https://api.test", {
      request: { method: "POST", url: "https://api.test/x", headers: {}, body: {} },
      idempotent: false,
    });
    expect(nextStep(facts(503, { job: post }))).toMatchObject({
      kind: "stop",
      end: { errorCode: "HTTP_STATUS" },
    });
  });
});
