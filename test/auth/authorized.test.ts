import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { authorized } from "../../src/auth/authorized.js";
import type { Authorizer } from "../../src/auth/createAuthorizer.js";
import type { Access } from "../../src/auth/decideAccess.js";
import type { EndpointNeed } from "../../src/auth/EndpointNeed.js";
import { KeyCheckUnavailableError } from "../../src/auth/KeyCheckUnavailableError.js";
import { splitLogLine } from "../support/logLine.js";

/** An authorizer that answers `access` (or throws `error`) and records the needs it was asked about. */
function fixedAuthorizer(answer: { access?: Access; error?: Error }) {
  const needs: EndpointNeed[] = [];
  const authorizer: Authorizer = {
    authorize(_request, need) {
      needs.push(need);
      return answer.error ? Promise.reject(answer.error) : Promise.resolve(answer.access!);
    },
  };
  return { authorizer: () => authorizer, needs };
}

function invocation() {
  const logs: { level: string; args: unknown[] }[] = [];
  const context = new InvocationContext({
    functionName: "jobs-run",
    invocationId: "inv-1",
    logHandler: (level, line) => logs.push({ level, args: Object.values(splitLogLine(String(line))) }),
  });
  return { context, logs };
}

const request = (url = "http://localhost/api/jobs/report-pull/run") =>
  new HttpRequest({ method: "POST", url });
const handled: HttpResponseInit = { status: 200, jsonBody: { ran: true } };

describe("authorized", () => {
  it("calls the handler for a caller that gets through, and logs who it was", async () => {
    const fixed = fixedAuthorizer({ access: { granted: true, by: "the admin key" } });
    const { context, logs } = invocation();
    const handler = authorized("operate", () => Promise.resolve(handled), fixed.authorizer);
    expect(await handler(request(), context)).toBe(handled);
    expect(fixed.needs).toEqual([{ level: "operate" }]);
    expect(logs).toEqual([
      { level: "information", args: ["Access granted", { level: "operate", by: "the admin key" }] },
    ]);
  });

  it("answers a refusal with its status and { error: { code, message } }, without calling the handler", async () => {
    const access: Access = {
      granted: false,
      status: 403,
      code: "AUTH_FORBIDDEN",
      message: "needs the admin key",
    };
    let called = false;
    const { context, logs } = invocation();
    const handler = authorized(
      "operate",
      () => {
        called = true;
        return Promise.resolve(handled);
      },
      fixedAuthorizer({ access }).authorizer,
    );
    expect(await handler(request(), context)).toEqual({
      status: 403,
      jsonBody: { error: { code: "AUTH_FORBIDDEN", message: "needs the admin key" } },
    });
    expect(called).toBe(false);
    expect(logs).toEqual([
      {
        level: "warning",
        args: ["Access refused", { level: "operate", status: 403, code: "AUTH_FORBIDDEN" }],
      },
    ]);
  });

  it("asks the rule for the request's need when it depends on the request", async () => {
    const fixed = fixedAuthorizer({ access: { granted: true, by: "a function key" } });
    const handler = authorized(
      (req) => (req.query.get("scope") ? { level: "operate", reason: "another scope" } : { level: "read" }),
      () => Promise.resolve(handled),
      fixed.authorizer,
    );
    await handler(request("http://localhost/api/diagnostics/token?scope=x"), invocation().context);
    await handler(request("http://localhost/api/diagnostics/token"), invocation().context);
    expect(fixed.needs).toEqual([{ level: "operate", reason: "another scope" }, { level: "read" }]);
  });

  it("answers 503 AUTH_KEY_CHECK_UNAVAILABLE when the key could not be checked", async () => {
    const error = new KeyCheckUnavailableError("The host answered 500");
    const { context, logs } = invocation();
    const handler = authorized("read", () => Promise.resolve(handled), fixedAuthorizer({ error }).authorizer);
    expect(await handler(request(), context)).toEqual({
      status: 503,
      jsonBody: { error: { code: "AUTH_KEY_CHECK_UNAVAILABLE", message: error.message } },
    });
    expect(logs).toEqual([
      {
        level: "error",
        args: [
          "Access refused: the key could not be checked",
          { code: "AUTH_KEY_CHECK_UNAVAILABLE", error: error.message },
        ],
      },
    ]);
  });

  it("lets any other failure reach the host", async () => {
    const handler = authorized(
      "read",
      () => Promise.resolve(handled),
      fixedAuthorizer({ error: new Error("a bug") }).authorizer,
    );
    await expect(handler(request(), invocation().context)).rejects.toThrow("a bug");
  });
});
