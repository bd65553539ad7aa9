import { describe, expect, it } from "vitest";
import { attemptTelemetry } from "../../../src/jobs/downstream/attemptTelemetry.js";
import type { AttemptOutcome } from "../../../src/jobs/downstream/sendAttempt.js";
import { refused, reset, response } from "./attemptFixtures.js";

describe("attemptTelemetry", () => {
  it.each<[string, AttemptOutcome, ReturnType<typeof attemptTelemetry>]>([
    ["a success status", response(200), { outcome: "ok", errorType: null, status: 200 }],
    ["a failing status", response(503), { outcome: "http-error", errorType: "503", status: 503 }],
    [
      "a 2xx the job does not count as success",
      response(204),
      { outcome: "http-error", errorType: "204", status: 204 },
    ],
    [
      "a network error",
      { kind: "network", error: refused },
      { outcome: "network-error", errorType: "ECONNREFUSED", status: null },
    ],
    [
      "a body cut off by a reset",
      response(200, { bodyFailure: { kind: "network", error: reset } }),
      { outcome: "network-error", errorType: "ECONNRESET", status: 200 },
    ],
    ["no response in time", { kind: "timeout" }, { outcome: "timeout", errorType: "timeout", status: null }],
    [
      "a body that did not arrive in time",
      response(200, { bodyFailure: { kind: "timeout" } }),
      { outcome: "timeout", errorType: "timeout", status: 200 },
    ],
    ["a cancelled run", { kind: "aborted" }, { outcome: "aborted", errorType: "aborted", status: null }],
    [
      "a run cancelled while reading the body",
      response(200, { bodyFailure: { kind: "aborted" } }),
      { outcome: "aborted", errorType: "aborted", status: 200 },
    ],
    [
      "a request fetch refused",
      { kind: "invalid", message: "invalid header" },
      { outcome: "invalid-request", errorType: "invalid-request", status: null },
    ],
  ])("names %s", (_, sent, expected) => {
    expect(attemptTelemetry(sent, [200])).toEqual(expected);
  });
});
