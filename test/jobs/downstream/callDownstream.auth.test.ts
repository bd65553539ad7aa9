import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { callDownstream } from "../../../src/jobs/downstream/callDownstream.js";
import { M2mError } from "../../../src/errors.js";
import { fakeTokenSource } from "./fakeTokenSource.js";
import { testDeps, testJob } from "./harness.js";
import { startScriptedServer } from "./scriptedServer.js";

let server: Awaited<ReturnType<typeof startScriptedServer>>;
beforeEach(async () => {
  server = await startScriptedServer();
});
afterEach(async () => {
  await server.close();
});

const invalidAudience = {
  status: 401,
  headers: {
    "www-authenticate":
      'Bearer realm="reports", error="invalid_token", error_description="The audience \'api://other\' is invalid"',
  },
};

describe("callDownstream tokens", () => {
  it("sends the bearer token for the job's scope", async () => {
    server.answer({ status: 200 });
    const t = testDeps();

    await callDownstream(testJob(server.url), t.context(), t.deps);

    expect(t.tokens.calls).toEqual([{ scope: "api://reports/.default" }]);
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${t.tokens.issued[0]}`);
  });

  it("bounds the token request by the run's deadline: a token endpoint that never answers ends the run as DEADLINE", async () => {
    const t = testDeps({ tokens: fakeTokenSource({ hang: true }) });

    const outcome = await callDownstream(testJob(server.url), t.context(300), t.deps);

    expect(t.tokens.deadlines[0]?.leftMs()).toBe(0);
    expect(outcome).toMatchObject({ status: "failed", errorCode: "DEADLINE", attempts: [] });
    expect(outcome.errorMessage).toMatch(
      /^the token endpoint did not answer within 0\.3 s: the invocation's deadline was reached\./,
    );
    expect(server.requests).toHaveLength(0);
  });

  it("names the edge the token path's deadline named: Key Vault, when a cold start cannot load the certificate", async () => {
    const t = testDeps({ tokens: fakeTokenSource({ hang: true, hungEdge: "Key Vault" }) });

    const outcome = await callDownstream(testJob(server.url), t.context(300), t.deps);

    expect(outcome).toMatchObject({ status: "failed", errorCode: "DEADLINE", edge: "Key Vault" });
    expect(outcome.errorMessage).toMatch(/^Key Vault did not answer within 0\.3 s: /);
  });

  it("fails with TOKEN and the token path's own code and message when no token can be had, without calling the API", async () => {
    const tokens = fakeTokenSource({
      fail: new M2mError(
        "CERTIFICATE_NOT_REGISTERED",
        "AADSTS700027: the assertion was signed by a key Entra ID does not know — upload the certificate to app registration 1234",
      ),
    });
    const t = testDeps({ tokens });

    const outcome = await callDownstream(testJob(server.url), t.context(), t.deps);

    expect(outcome.status).toBe("failed");
    expect(outcome.errorCode).toBe("TOKEN");
    expect(outcome.errorMessage).toBe(
      "Could not get an access token for 'api://reports/.default' (CERTIFICATE_NOT_REGISTERED): AADSTS700027: the assertion was signed by a key Entra ID does not know — upload the certificate to app registration 1234",
    );
    expect(outcome.attempts).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });

  it("answers a 401 to a cached token with one fresh token and succeeds, beyond the retry policy", async () => {
    server.answer(invalidAudience, { status: 200 });
    const t = testDeps();
    const job = testJob(server.url, { retry: { maxAttempts: 1, baseDelayMs: 1_000, maxDelayMs: 1_000 } });

    const outcome = await callDownstream(job, t.context(), t.deps);

    expect(outcome.status).toBe("succeeded");
    expect(t.tokens.calls).toEqual([
      { scope: "api://reports/.default" },
      { scope: "api://reports/.default", forceRefresh: true },
    ]);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([
      `Bearer ${t.tokens.issued[0]}`,
      `Bearer ${t.tokens.issued[1]}`,
    ]);
    expect(outcome.attempts.map((a) => [a.status, a.error, a.retryAfterMs])).toEqual([
      [401, "HTTP 401", 0],
      [200, null, null],
    ]);
    expect(t.waits).toEqual([]);
  });

  it("fails with UNAUTHORIZED and the API's error_description when the fresh token is refused too", async () => {
    server.answer(invalidAudience, invalidAudience, { status: 200 });
    const t = testDeps();

    const outcome = await callDownstream(testJob(server.url), t.context(), t.deps);

    expect(outcome.errorCode).toBe("UNAUTHORIZED");
    expect(outcome.errorMessage).toBe(
      "The API answered 401 Unauthorized to a freshly acquired token for 'api://reports/.default': The audience 'api://other' is invalid." +
        " Token: aud api://reports, tid tenant-1, roles [Reports.Read.All]." +
        " Check that the job's scope is the API's Application ID URI followed by /.default, and that the API accepts tokens from this tenant and app.",
    );
    expect(t.tokens.calls.filter((c) => c.forceRefresh)).toHaveLength(1);
    expect(outcome.attempts).toHaveLength(2);
  });

  it("does not refresh a token that was just acquired: a 401 to it is final", async () => {
    server.answer({ status: 401, body: { error: "invalid_token" } }, { status: 200 });
    const t = testDeps({ tokens: fakeTokenSource({ firstFromCache: false }) });

    const outcome = await callDownstream(testJob(server.url), t.context(), t.deps);

    expect(outcome.errorCode).toBe("UNAUTHORIZED");
    expect(outcome.errorMessage).toMatch(
      /freshly acquired token for 'api:\/\/reports\/\.default': invalid_token\./,
    );
    expect(t.tokens.calls).toHaveLength(1);
    expect(outcome.attempts).toHaveLength(1);
  });

  it("fails with TOKEN when the refresh after a 401 fails", async () => {
    server.answer(invalidAudience);
    const t = testDeps();
    const tokens = t.deps.tokens;
    t.deps.tokens = {
      getToken: (options) =>
        options?.forceRefresh
          ? Promise.reject(new Error("AADSTS7000215: invalid client secret"))
          : tokens.getToken(options),
    };

    const outcome = await callDownstream(testJob(server.url), t.context(), t.deps);

    expect(outcome.errorCode).toBe("TOKEN");
    expect(outcome.errorMessage).toBe(
      "Could not get an access token for 'api://reports/.default': AADSTS7000215: invalid client secret",
    );
    expect(outcome.httpStatus).toBe(401);
    expect(outcome.correlation.clientRequestId).not.toBe("");
  });

  it("fails with FORBIDDEN, quoting the API on the missing role and saying how to assign it", async () => {
    server.answer({
      status: 403,
      body: { error: { code: "Forbidden", message: "The role 'Reports.Write' is required" } },
    });
    const t = testDeps();

    const outcome = await callDownstream(testJob(server.url), t.context(), t.deps);

    expect(outcome.errorCode).toBe("FORBIDDEN");
    expect(outcome.errorMessage).toBe(
      "The API answered 403 Forbidden: Forbidden: The role 'Reports.Write' is required." +
        " Token for 'api://reports/.default': aud api://reports, tid tenant-1, roles [Reports.Read.All]." +
        " Assign the app role the API requires to this app's service principal (the client app registration → API permissions → add the application permission, then grant admin consent)." +
        " Tokens issued before the assignment keep their old roles until they expire (up to 90 minutes).",
    );
    expect(outcome.attempts).toHaveLength(1);
    expect(t.tokens.calls).toHaveLength(1);
  });
});
