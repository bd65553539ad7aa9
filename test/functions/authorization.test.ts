import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalHost, type LocalHost } from "../../dev/host/startLocalHost.js";
import { appSettings } from "./appSettings.js";

// The app's real entry in the local host, which answers /admin/host/status and the function-level probe as the
// Functions host does: the app checks the keys it is shown by asking it.
const entry = fileURLToPath(new URL("../../src/index.ts", import.meta.url));
const settings = appSettings(
  [{ name: "report-pull", schedule: "0 0 * * * *", request: { url: "https://api.test/reports" } }],
  {
    // A token endpoint on a closed loopback port: a diagnosis that gets through fails at once (502), with no I/O
    // that could wait.
    M2M_CREDENTIAL_SOURCE: "client-secret",
    M2M_CLIENT_SECRET: "not-a-real-secret",
    M2M_AUTHORITY_HOST: "https://127.0.0.1:1",
  },
);
const OTHER_SCOPE = "api://other-api/.default";
const OPERATE_NEEDS =
  "needs the admin key (the host's master key) or an Entra sign-in with the app role 'M2M.Operator'";

/** A request to the host over HTTP, as a caller sends it. */
async function call(host: LocalHost, method: string, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${host.url}/api/${path}`, { method, headers });
  const text = await response.text();
  return {
    status: response.status,
    text,
    body: (text ? JSON.parse(text) : null) as { error?: { code: string; message: string } },
  };
}

const principalHeader = (roles: string[]) => ({
  "x-ms-client-principal": Buffer.from(
    JSON.stringify({ auth_typ: "aad", claims: roles.map((val) => ({ typ: "roles", val })) }),
  ).toString("base64"),
});

describe("HTTP endpoints with keys (no App Service Authentication)", () => {
  let host: LocalHost;
  const functionKey = () => ({ "x-functions-key": host.hostKey });
  const adminKey = () => ({ "x-functions-key": host.masterKey });
  beforeAll(async () => {
    host = await startLocalHost({ entry, logger: { log: () => undefined }, env: settings });
  });
  afterAll(() => host?.stop());

  it("registers the app's routes anonymous at the host, and the key probe at function level", () => {
    const http = host.functions.filter((fn) => fn.route !== undefined);
    expect(
      http.filter((fn) => fn.authLevel !== "anonymous").map((fn) => [fn.name, fn.route, fn.authLevel]),
    ).toEqual([["auth-key-check", "auth/key-check", "function"]]);
  });

  it("refuses a function key a job run with 403, naming the admin key and the operator role", async () => {
    const answer = await call(host, "POST", "jobs/report-pull/run", functionKey());
    expect(answer.status).toBe(403);
    expect(answer.body.error).toEqual({
      code: "AUTH_FORBIDDEN",
      message:
        `POST /api/jobs/report-pull/run ${OPERATE_NEEDS}: a function key opens reads only. Use the admin key, or ` +
        "assign the app role 'M2M.Operator' to the person or a group of theirs (Enterprise applications → the " +
        "app's App Service Authentication registration → Users and groups).",
    });
    expect(answer.text).not.toContain(host.hostKey);
  });

  it("refuses a function key a renewal with 403, also when it comes as ?code=", async () => {
    const answer = await call(host, "POST", `certificates/app/renew?code=${host.hostKey}`);
    expect(answer.status).toBe(403);
    expect(answer.body.error?.code).toBe("AUTH_FORBIDDEN");
    expect(answer.body.error?.message).toMatch(
      new RegExp(
        `^POST /api/certificates/app/renew ${OPERATE_NEEDS.replace(/[()]/g, "\\$&")}: a function key opens reads only\\.`,
      ),
    );
    expect(answer.text).not.toContain(host.hostKey);
  });

  it("lets the admin key through to a job run and a renewal (the handlers answer)", async () => {
    const run = await call(host, "POST", "jobs/nope/run", adminKey());
    expect(run.status).toBe(404);
    expect(run.body.error?.code).toBe("JOB_NOT_FOUND");
    const renew = await call(host, "POST", "certificates/someone-elses/renew", adminKey());
    expect(renew.status).toBe(403);
    expect(renew.body.error?.code).toBe("CERTIFICATE_NOT_MANAGED");
  });

  it("lets a function key and the admin key read", async () => {
    for (const headers of [functionKey(), adminKey()]) {
      const runs = await call(host, "GET", "jobs/nope/runs", headers);
      expect(runs.status).toBe(404);
      expect(runs.body.error?.code).toBe("JOB_NOT_FOUND");
    }
  });

  it("answers 401 to a request without a credential, saying what the endpoint needs", async () => {
    const run = await call(host, "POST", "jobs/report-pull/run");
    expect(run.status).toBe(401);
    expect(run.body.error).toEqual({
      code: "AUTH_CREDENTIAL_MISSING",
      message:
        `POST /api/jobs/report-pull/run ${OPERATE_NEEDS}, and the request carries neither. Send the key in the ` +
        "x-functions-key header (or ?code=), or sign in through the app's App Service Authentication.",
    });
    const read = await call(host, "GET", "jobs/report-pull/runs");
    expect(read.status).toBe(401);
    expect(read.body.error?.message).toMatch(
      /^GET \/api\/jobs\/report-pull\/runs needs a function key or an Entra sign-in with the app role 'M2M\.Reader' \(or 'M2M\.Operator'\), and the request carries neither\./,
    );
  });

  it("answers 401 to a key that is not the app's", async () => {
    const answer = await call(host, "GET", "jobs/report-pull/runs", { "x-functions-key": "not-a-key" });
    expect(answer.status).toBe(401);
    expect(answer.body.error?.code).toBe("AUTH_KEY_INVALID");
    expect(answer.text).not.toContain("not-a-key");
  });

  it("ignores an x-ms-client-principal header: without App Service Authentication anyone can send one", async () => {
    const forged = await call(host, "POST", "jobs/nope/run", principalHeader(["M2M.Operator"]));
    expect(forged.status).toBe(401);
    expect(forged.body.error?.code).toBe("AUTH_CREDENTIAL_MISSING");
    const withKey = await call(host, "POST", "jobs/nope/run", {
      ...principalHeader(["M2M.Operator"]),
      ...functionKey(),
    });
    expect(withKey.status).toBe(403);
  });

  it("lets a function key diagnose the configured scope, and only an operator another scope", async () => {
    const configured = await call(host, "GET", "diagnostics/token", functionKey());
    expect(configured.status).toBe(502); // through: the token endpoint is closed
    const job = await call(
      host,
      "GET",
      `diagnostics/token?scope=${encodeURIComponent("api://m2m-downstream/.default")}`,
      functionKey(),
    );
    expect(job.status).toBe(502);
    const other = await call(
      host,
      "GET",
      `diagnostics/token?scope=${encodeURIComponent(OTHER_SCOPE)}`,
      functionKey(),
    );
    expect(other.status).toBe(403);
    expect(other.body.error?.message).toMatch(
      new RegExp(
        `^GET /api/diagnostics/token \\(a token for the scope 'api://other-api/\\.default', which is neither M2M_SCOPE nor a job's scope\\) needs the admin key \\(the host's master key\\) or an Entra sign-in with the app role 'M2M\\.Operator': a function key opens reads only\\.`,
      ),
    );
    const asAdmin = await call(
      host,
      "GET",
      `diagnostics/token?scope=${encodeURIComponent(OTHER_SCOPE)}`,
      adminKey(),
    );
    expect(asAdmin.status).toBe(502);
  });
});

describe("HTTP endpoints behind App Service Authentication (emulated by the local host)", () => {
  let host: LocalHost;
  const signIn = (roles: string) => ({
    "x-local-principal": JSON.stringify({ name: "ada@contoso.com", roles: roles ? roles.split(",") : [] }),
  });
  beforeAll(async () => {
    host = await startLocalHost({
      entry,
      logger: { log: () => undefined },
      env: settings,
      authentication: {},
    });
  });
  afterAll(() => host?.stop());

  it("lets an operator run a job and renew, with no key", async () => {
    const run = await call(host, "POST", "jobs/nope/run", signIn("M2M.Operator"));
    expect(run.status).toBe(404);
    expect(run.body.error?.code).toBe("JOB_NOT_FOUND");
    const renew = await call(host, "POST", "certificates/someone-elses/renew", signIn("M2M.Operator"));
    expect(renew.body.error?.code).toBe("CERTIFICATE_NOT_MANAGED");
  });

  it("lets a reader read, and refuses them a job run naming the operator role", async () => {
    const runs = await call(host, "GET", "jobs/nope/runs", signIn("M2M.Reader"));
    expect(runs.status).toBe(404);
    const run = await call(host, "POST", "jobs/report-pull/run", signIn("M2M.Reader"));
    expect(run.status).toBe(403);
    expect(run.body.error).toEqual({
      code: "AUTH_FORBIDDEN",
      message:
        `POST /api/jobs/report-pull/run ${OPERATE_NEEDS}: signed in as 'ada@contoso.com' without the app role ` +
        "'M2M.Operator'. Use the admin key, or assign the app role 'M2M.Operator' to the person or a group of " +
        "theirs (Enterprise applications → the app's App Service Authentication registration → Users and groups).",
    });
  });

  it("refuses a signed-in person without a role a read, naming the reader role", async () => {
    const answer = await call(host, "GET", "jobs/nope/runs", signIn(""));
    expect(answer.status).toBe(403);
    expect(answer.body.error?.message).toContain(
      "signed in as 'ada@contoso.com' without the app role 'M2M.Reader'",
    );
  });

  it("lets an operator diagnose another scope", async () => {
    const answer = await call(
      host,
      "GET",
      `diagnostics/token?scope=${encodeURIComponent(OTHER_SCOPE)}`,
      signIn("M2M.Operator"),
    );
    expect(answer.status).toBe(502);
  });

  it("still takes the admin key, and a reader's function key for reads", async () => {
    expect((await call(host, "POST", "jobs/nope/run", { "x-functions-key": host.masterKey })).status).toBe(
      404,
    );
    const mixed = await call(host, "POST", "jobs/nope/run", {
      ...signIn("M2M.Reader"),
      "x-functions-key": host.masterKey,
    });
    expect(mixed.status).toBe(404);
  });

  it("drops a principal header the caller sent, as App Service does", async () => {
    const forged = await call(host, "POST", "jobs/nope/run", principalHeader(["M2M.Operator"]));
    expect(forged.status).toBe(401);
    expect(forged.body.error?.code).toBe("AUTH_CREDENTIAL_MISSING");
  });
});
