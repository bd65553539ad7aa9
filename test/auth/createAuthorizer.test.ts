import { describe, expect, it } from "vitest";
import { createAuthorizer, type CallerRequest } from "../../src/auth/createAuthorizer.js";
import type { KeyVerifier } from "../../src/auth/createKeyVerifier.js";
import type { EndpointNeed } from "../../src/auth/EndpointNeed.js";
import { KeyCheckUnavailableError } from "../../src/auth/KeyCheckUnavailableError.js";
import type { AuthSettings } from "../../src/auth/readAuthSettings.js";
import { systemClock } from "../../src/clock/Clock.js";
import { recordingLogger } from "../support/recordingLogger.js";

const settings = (authEnabled: boolean): AuthSettings => ({
  roles: { operator: "M2M.Operator", reader: "M2M.Reader" },
  authEnabled,
  self: { url: "https://m2m-app.azurewebsites.net" },
});
const principal = (...roles: string[]) =>
  Buffer.from(
    JSON.stringify({
      auth_typ: "aad",
      claims: [{ typ: "name", val: "ada@contoso.com" }, ...roles.map((val) => ({ typ: "roles", val }))],
    }),
  ).toString("base64");

function request(url: string, headers: Record<string, string> = {}, method = "POST"): CallerRequest {
  const u = new URL(url);
  return { method, url, headers: new Headers(headers), query: u.searchParams };
}

/** A verifier that knows one admin key and one function key, and records the keys it was asked about. */
function fakeVerifier() {
  const asked: string[] = [];
  const verifier: KeyVerifier = {
    level(key, need) {
      asked.push(`${need}:${key}`);
      if (key === "admin-key") return Promise.resolve(need === "operate" ? "admin" : "function");
      return Promise.resolve(key === "function-key" ? "function" : "invalid");
    },
  };
  return { verifier, asked };
}

const operate: EndpointNeed = { level: "operate" };
const read: EndpointNeed = { level: "read" };
const RUN = "https://m2m-app.azurewebsites.net/api/jobs/report-pull/run";

describe("createAuthorizer", () => {
  it("lets an operator principal through without asking the host about a key it also sent", async () => {
    const keys = fakeVerifier();
    const authorizer = createAuthorizer({
      settings: settings(true),
      verifier: keys.verifier,
      clock: systemClock,
    });
    const access = await authorizer.authorize(
      request(RUN, { "x-ms-client-principal": principal("M2M.Operator"), "x-functions-key": "function-key" }),
      operate,
      recordingLogger().logger,
    );
    expect(access).toEqual({
      granted: true,
      by: "signed in as 'ada@contoso.com' with the app role 'M2M.Operator'",
    });
    expect(keys.asked).toEqual([]);
  });

  it("checks the key when the principal is not enough", async () => {
    const keys = fakeVerifier();
    const authorizer = createAuthorizer({
      settings: settings(true),
      verifier: keys.verifier,
      clock: systemClock,
    });
    const access = await authorizer.authorize(
      request(RUN, { "x-ms-client-principal": principal("M2M.Reader"), "x-functions-key": "admin-key" }),
      operate,
      recordingLogger().logger,
    );
    expect(access).toEqual({ granted: true, by: "the admin key" });
    expect(keys.asked).toEqual(["operate:admin-key"]);
  });

  it("refuses a function key an operation with 403, and takes the key from ?code= too", async () => {
    const keys = fakeVerifier();
    const authorizer = createAuthorizer({
      settings: settings(false),
      verifier: keys.verifier,
      clock: systemClock,
    });
    const access = await authorizer.authorize(
      request(`${RUN}?code=function-key`),
      operate,
      recordingLogger().logger,
    );
    expect(access).toMatchObject({ granted: false, status: 403, code: "AUTH_FORBIDDEN" });
    expect(keys.asked).toEqual(["operate:function-key"]);
  });

  it("names the method and path, never the query that may hold the key", async () => {
    const keys = fakeVerifier();
    const authorizer = createAuthorizer({
      settings: settings(false),
      verifier: keys.verifier,
      clock: systemClock,
    });
    const access = await authorizer.authorize(
      request("https://m2m-app.azurewebsites.net/api/jobs?code=secret-ish", {}, "get"),
      read,
      recordingLogger().logger,
    );
    expect(access).toMatchObject({ status: 401, code: "AUTH_KEY_INVALID" });
    expect(!access.granted && access.message).toMatch(/^GET \/api\/jobs needs a function key /);
    expect(JSON.stringify(access)).not.toContain("secret-ish");
  });

  it("answers 401 without asking anything when no credential was presented", async () => {
    const keys = fakeVerifier();
    const authorizer = createAuthorizer({
      settings: settings(true),
      verifier: keys.verifier,
      clock: systemClock,
    });
    expect(await authorizer.authorize(request(RUN), operate, recordingLogger().logger)).toMatchObject({
      status: 401,
      code: "AUTH_CREDENTIAL_MISSING",
    });
    expect(keys.asked).toEqual([]);
  });

  it("ignores a principal header while App Service Authentication is off, with a warning", async () => {
    const logs = recordingLogger();
    const authorizer = createAuthorizer({
      settings: settings(false),
      verifier: fakeVerifier().verifier,
      clock: systemClock,
    });
    const access = await authorizer.authorize(
      request(RUN, { "x-ms-client-principal": principal("M2M.Operator") }),
      operate,
      logs.logger,
    );
    expect(access).toMatchObject({ status: 401, code: "AUTH_CREDENTIAL_MISSING" });
    expect(logs.entries).toEqual([
      {
        level: "warn",
        message:
          "x-ms-client-principal ignored: App Service Authentication is not enabled (WEBSITE_AUTH_ENABLED), so anyone could have sent it",
      },
    ]);
  });

  it("treats a principal header it cannot read as none, with a warning", async () => {
    const logs = recordingLogger();
    const authorizer = createAuthorizer({
      settings: settings(true),
      verifier: fakeVerifier().verifier,
      clock: systemClock,
    });
    const access = await authorizer.authorize(
      request(RUN, { "x-ms-client-principal": "%%%", "x-functions-key": "admin-key" }),
      operate,
      logs.logger,
    );
    expect(access).toEqual({ granted: true, by: "the admin key" });
    expect(logs.entries).toEqual([
      { level: "warn", message: "x-ms-client-principal ignored: it is not base64" },
    ]);
  });

  it("logs nothing for a request without a principal header", async () => {
    const logs = recordingLogger();
    const authorizer = createAuthorizer({
      settings: settings(true),
      verifier: fakeVerifier().verifier,
      clock: systemClock,
    });
    await authorizer.authorize(request(RUN, { "x-functions-key": "admin-key" }), operate, logs.logger);
    expect(logs.entries).toEqual([]);
  });

  it("fails closed when a key must be checked and the app cannot ask its host", async () => {
    const noHost: AuthSettings = {
      ...settings(false),
      self: { url: null, problem: "WEBSITE_HOSTNAME is not set" },
    };
    const authorizer = createAuthorizer({ settings: noHost, verifier: null, clock: systemClock });
    const failure = authorizer.authorize(
      request(RUN, { "x-functions-key": "admin-key" }),
      operate,
      recordingLogger().logger,
    );
    await expect(failure).rejects.toBeInstanceOf(KeyCheckUnavailableError);
    await expect(failure).rejects.toThrow(
      /^WEBSITE_HOSTNAME is not set\. Until the app can ask its host, a key cannot be accepted/,
    );
    // Without a key there is nothing to check: the answer is the usual 401.
    expect(await authorizer.authorize(request(RUN), operate, recordingLogger().logger)).toMatchObject({
      status: 401,
    });
  });

  it("gives the key check its own short deadline", async () => {
    let budget = 0;
    const verifier: KeyVerifier = {
      level(_key, _need, deadline) {
        budget = deadline.leftMs();
        return Promise.resolve("function");
      },
    };
    const authorizer = createAuthorizer({
      settings: settings(false),
      verifier,
      clock: () => new Date(0),
      keyCheckBudgetMs: 1_234,
    });
    await authorizer.authorize(request(RUN, { "x-functions-key": "k" }), read, recordingLogger().logger);
    expect(budget).toBe(1_234);
    const byDefault = createAuthorizer({ settings: settings(false), verifier, clock: () => new Date(0) });
    await byDefault.authorize(request(RUN, { "x-functions-key": "k" }), read, recordingLogger().logger);
    expect(budget).toBe(5_000);
  });
});
