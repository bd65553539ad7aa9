import { describe, expect, it } from "vitest";
import { classifyAttempt } from "../../../src/jobs/downstream/classifyAttempt.js";
import { reset, response } from "./attemptFixtures.js";

describe("classifyAttempt", () => {
  it("takes a success status with its whole body as a success", () => {
    const ok = response(201, { body: "{}" });
    expect(classifyAttempt(ok, [200, 201])).toEqual({ ok: true, response: ok });
  });

  it("takes any status the job does not list as a failed status, 2xx included", () => {
    expect(classifyAttempt(response(204), [200])).toEqual({
      ok: false,
      failure: { kind: "status", status: 204 },
      summary: "HTTP 204",
      network: null,
    });
  });

  it("names a network failure by its code, and a timeout as a timeout", () => {
    expect(classifyAttempt({ kind: "network", error: reset }, [200])).toEqual({
      ok: false,
      failure: { kind: "network", code: "ECONNRESET" },
      summary: "ECONNRESET",
      network: reset,
    });
    expect(classifyAttempt({ kind: "timeout" }, [200])).toEqual({
      ok: false,
      failure: { kind: "timeout" },
      summary: "timeout",
      network: null,
    });
  });

  it("does not take a success status whose body broke off as a success", () => {
    expect(classifyAttempt(response(200, { bodyFailure: { kind: "timeout" } }), [200])).toEqual({
      ok: false,
      failure: { kind: "timeout" },
      summary: "timeout reading the body",
      network: null,
    });
    expect(classifyAttempt(response(200, { bodyFailure: { kind: "network", error: reset } }), [200])).toEqual(
      {
        ok: false,
        failure: { kind: "network", code: "ECONNRESET" },
        summary: "ECONNRESET reading the body",
        network: reset,
      },
    );
  });

  it("reports a failed status as such even when its body broke off too", () => {
    expect(classifyAttempt(response(503, { bodyFailure: { kind: "timeout" } }), [200])).toMatchObject({
      failure: { kind: "status", status: 503 },
      summary: "HTTP 503",
    });
  });
});
