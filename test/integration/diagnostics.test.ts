import { HttpRequest, InvocationContext } from "@azure/functions";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { StandIns } from "../../dev/startStandIns.js";
import { main } from "../../src/cli/diagnoseCommand.js";
import { loadConfig } from "../../src/config/loadConfig.js";
import { createServices } from "../../src/container.js";
import type { Diagnosis } from "../../src/diagnostics/diagnoseTokenPath.js";
import { diagnosticsHandler } from "../../src/functions/diagnosticsHandler.js";
import { recordingLogger } from "../support/recordingLogger.js";
import { testScenario, useStandIns } from "../support/useStandIns.js";

const scenario = testScenario({ certificates: [{ name: "app" }] });
const stand = useStandIns(scenario);
let standIns: StandIns;
beforeAll(() => {
  standIns = stand();
});

const env = () => ({ ...standIns.settings, AzureWebJobsStorage: "UseDevelopmentStorage=true" });

describe("m2m-diagnose", () => {
  it("prints each step with its time and the token's claims, never the raw token", async () => {
    const out: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((line: string) => void out.push(line));
    try {
      expect(await main([], env(), { settingsFile: false })).toBe(0);
    } finally {
      log.mockRestore();
    }
    const text = out.join("\n");
    expect(text).toMatch(/^ok {3}credential +\d+ ms$/m);
    expect(text).toMatch(/^ok {3}token +\d+ ms$/m);
    expect(text).toMatch(/^ok {3}cached token +\d+ ms\n {7}fromCache: true$/m);
    // The app can read its registration through Graph, as the certificate check and the rotation must.
    expect(text).toMatch(
      new RegExp(
        `^ok {3}graph +\\d+ ms\n {7}read: app registration ${scenario.app.objectId}\n {7}registeredCertificates: 1$`,
        "m",
      ),
    );
    expect(text).toContain("  aud    api://m2m-downstream");
    expect(text).toContain('  roles  ["Reports.Read.All"]');
    expect(text).toContain(`  appid  ${scenario.app.clientId}`);
    expect(text).toContain("  idtyp  app");
    expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
  });

  it("prints the raw token only when asked, and JSON for machines", async () => {
    const out: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((line: string) => void out.push(line));
    try {
      await main(["--json", "--show-token"], env(), { settingsFile: false });
    } finally {
      log.mockRestore();
    }
    const diagnosis = JSON.parse(out.join("\n")) as {
      ok: boolean;
      accessToken: string;
      claims: Record<string, unknown>;
    };
    expect(diagnosis.ok).toBe(true);
    expect(diagnosis.accessToken).toMatch(/^eyJ/);
    expect(diagnosis.claims).toMatchObject({ tid: scenario.tenantId, roles: ["Reports.Read.All"] });
  });

  it("exits 2 with every settings problem listed", async () => {
    const errors: string[] = [];
    const error = vi.spyOn(console, "error").mockImplementation((line: string) => void errors.push(line));
    try {
      expect(await main([], { M2M_CLIENT_ID: "nope" }, { settingsFile: false })).toBe(2);
    } finally {
      error.mockRestore();
    }
    expect(errors.join("\n")).toContain('M2M_CLIENT_ID: expected application (client) id GUID; got "nope"');
    expect(errors.join("\n")).toContain("M2M_TENANT_ID is missing");
  });
});

describe("GET /api/diagnostics/token", () => {
  const context = () => new InvocationContext({ functionName: "diagnostics" });

  it("returns the steps and decoded claims, without the token", async () => {
    const services = createServices(loadConfig(env()), { logger: recordingLogger().logger });
    const response = await diagnosticsHandler(
      new HttpRequest({ method: "GET", url: "http://localhost/api/diagnostics/token" }),
      context(),
      () => services,
    );
    expect(response.status).toBe(200);
    expect(response.jsonBody).toMatchObject({
      ok: true,
      claims: { aud: "api://m2m-downstream", idtyp: "app" },
    });
    expect(JSON.stringify(response.jsonBody)).not.toContain("accessToken");
  });

  it("answers 502 with the error's code and fix when the token path fails", async () => {
    const services = createServices(loadConfig({ ...env(), M2M_KEYVAULT_CERTIFICATE_NAME: "missing" }), {
      logger: recordingLogger().logger,
    });
    const response = await diagnosticsHandler(
      new HttpRequest({ method: "GET", url: "http://localhost/api/diagnostics/token" }),
      context(),
      () => services,
    );
    expect(response.status).toBe(502);
    expect(response.jsonBody).toMatchObject({ ok: false, error: { code: "CERTIFICATE_NOT_FOUND" } });
  });
});

describe("GET /api/diagnostics/token with a system that does not answer", () => {
  const context = () => new InvocationContext({ functionName: "diagnostics" });
  const request = () => new HttpRequest({ method: "GET", url: "http://localhost/api/diagnostics/token" });
  const budgetMs = 1_500;
  /** The budget, and a little for the answer to be written. */
  const withinBudget = budgetMs + 1_500;

  it("answers 504 at the deadline naming the token endpoint when it hangs", async () => {
    const services = createServices(loadConfig(env()), { logger: recordingLogger().logger });
    standIns.entra.tokenFaults.enqueue({ kind: "hang" });
    const started = Date.now();

    const response = await diagnosticsHandler(request(), context(), () => services, { budgetMs });

    expect(Date.now() - started).toBeLessThan(withinBudget);
    expect(response.status).toBe(504);
    const body = response.jsonBody as Diagnosis;
    expect(body.steps.map((step) => [step.name, step.ok])).toEqual([
      ["credential", true],
      ["token", false],
    ]);
    expect(body.error?.code).toBe("TIMED_OUT");
    expect(body.error?.message).toMatch(
      /^the token endpoint did not answer within \d+(\.\d)? s: the invocation's deadline was reached\./,
    );
  });

  it("answers 504 at the deadline naming Microsoft Graph when the registration read hangs", async () => {
    const services = createServices(loadConfig(env()), { logger: recordingLogger().logger });
    standIns.entra.graphFaults.enqueue({ kind: "hang" });
    const started = Date.now();

    const response = await diagnosticsHandler(request(), context(), () => services, { budgetMs });

    expect(Date.now() - started).toBeLessThan(withinBudget);
    expect(response.status).toBe(504);
    const body = response.jsonBody as Diagnosis;
    expect(body.steps.map((step) => [step.name, step.ok])).toEqual([
      ["credential", true],
      ["token", true],
      ["cached token", true],
      ["graph", false],
    ]);
    expect(body.error?.code).toBe("TIMED_OUT");
    expect(body.error?.message).toMatch(/^Microsoft Graph did not answer within [\d.]+ s: /);
  });

  it("answers 504 naming Key Vault when loading the credential hangs, before any token is asked for", async () => {
    const services = createServices(loadConfig(env()), { logger: recordingLogger().logger });
    standIns.vault.faults.enqueue({ kind: "hang" });
    const started = Date.now();

    const response = await diagnosticsHandler(request(), context(), () => services, { budgetMs });

    expect(Date.now() - started).toBeLessThan(withinBudget);
    expect(response.status).toBe(504);
    const body = response.jsonBody as Diagnosis;
    expect(body.steps.map((step) => [step.name, step.ok])).toEqual([["credential", false]]);
    expect(body.error).toMatchObject({ code: "TIMED_OUT" });
    expect(body.error?.message).toMatch(/^Key Vault did not answer within \d+(\.\d)? s: /);
  });
});
