import { describe, expect, it } from "vitest";
import type { FailedAttempt } from "../../../src/jobs/downstream/classifyAttempt.js";
import { finalFailure } from "../../../src/jobs/downstream/finalFailure.js";
import { refused, reset, response } from "./attemptFixtures.js";
import { testJob } from "./harness.js";

const NOW = new Date("2030-01-01T10:00:00.000Z");
const context = (overrides: Partial<Parameters<typeof finalFailure>[2]> = {}) => ({
  job: testJob("https://api.test", { timeoutMs: 1_500 }),
  attempts: "3 attempts",
  secrets: ["the-token"],
  now: NOW,
  ...overrides,
});
const status = (code: number): FailedAttempt => ({
  ok: false,
  failure: { kind: "status", status: code },
  summary: `HTTP ${code}`,
  network: null,
});
const network = (description = reset): FailedAttempt => ({
  ok: false,
  failure: { kind: "network", code: description.code },
  summary: description.summary,
  network: description,
});

describe("finalFailure", () => {
  it("says no complete response came within the job's timeout", () => {
    expect(
      finalFailure(
        { ok: false, failure: { kind: "timeout" }, summary: "timeout", network: null },
        null,
        context(),
      ),
    ).toEqual({
      status: "failed",
      errorCode: "TIMEOUT",
      errorMessage: "No complete response within 1500 ms (the job's timeoutMs) after 3 attempts.",
    });
  });

  it("names a network failure with what to check when there is a known fix", () => {
    expect(finalFailure(network(refused), null, context()).errorCode).toBe("NETWORK");
    expect(finalFailure(network(refused), null, context()).errorMessage).toBe(
      "Could not reach the API (ECONNREFUSED) after 3 attempts: nothing is listening at the API's address: check the job's url and that the API is up.",
    );
    expect(finalFailure(network(reset), null, context()).errorMessage).toBe(
      "Could not reach the API (ECONNRESET) after 3 attempts.",
    );
    expect(
      finalFailure(
        { ok: false, failure: { kind: "network", code: "EPIPE" }, summary: "EPIPE", network: null },
        null,
        context(),
      ).errorMessage,
    ).toBe("Could not reach the API (EPIPE) after 3 attempts.");
  });

  it("says a permanent network failure was not retried", () => {
    const notFound = {
      code: "ENOTFOUND",
      summary: "ENOTFOUND",
      hint: "the API's host name does not resolve: check the job's url",
    };
    expect(finalFailure(network(notFound), null, context()).errorMessage).toBe(
      "Could not reach the API (ENOTFOUND) (not retried): the API's host name does not resolve: check the job's url.",
    );
  });

  it("quotes the API's status, reason and message, without the token, and its Retry-After", () => {
    const answer = response(503, {
      statusText: "Service Unavailable",
      body: JSON.stringify({ error: { code: "Busy", message: "try later, the-token" } }),
      headers: { "retry-after": "30" },
    });
    expect(finalFailure(status(503), answer, context())).toEqual({
      status: "failed",
      errorCode: "HTTP_STATUS",
      errorMessage:
        "The API answered HTTP 503 Service Unavailable: Busy: try later, <redacted> after 3 attempts; it asked to wait 30 s before trying again.",
    });
  });

  it("says a client error and an unsafe method were not retried", () => {
    expect(finalFailure(status(404), response(404), context()).errorMessage).toBe(
      "The API answered HTTP 404 (not retried: a client error).",
    );
    const job = testJob("https://api.test", {
      request: { method: "PATCH", url: "https://api.test/x", headers: {}, body: {} },
      idempotent: false,
    });
    expect(finalFailure(status(502), response(502), context({ job })).errorMessage).toBe(
      'The API answered HTTP 502 (not retried: PATCH may not be safe to repeat; set "idempotent": true on the job if it is).',
    );
  });

  it("words a status failure without a response", () => {
    expect(finalFailure(status(500), null, context()).errorMessage).toBe(
      "The API answered HTTP 500 after 3 attempts.",
    );
  });
});
