import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalHost, type LocalHost } from "../../dev/host/startLocalHost.js";
import { appSettings } from "./appSettings.js";

// The app's real entry, loaded the way the Functions worker loads it (the local host provides @azure/functions-core).
const entry = fileURLToPath(new URL("../../src/index.ts", import.meta.url));
const job = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  schedule: "%PULL_SCHEDULE%",
  request: { url: "https://api.test/reports" },
  ...extra,
});

let host: LocalHost;
beforeAll(async () => {
  host = await startLocalHost({
    entry,
    logger: { log: () => undefined },
    env: appSettings([job("report-pull"), job("paused", { enabled: false })], {
      PULL_SCHEDULE: "0 */10 * * * *",
    }),
  });
});
afterAll(() => host?.stop());

describe("function registration", () => {
  it("registers one timer per enabled job, with the schedule from the app setting, and the HTTP functions", () => {
    const byName = new Map(host.functions.map((fn) => [fn.name, fn]));
    expect([...byName.keys()].sort()).toEqual([
      "auth-key-check",
      "certificates-check",
      "certificates-list",
      "certificates-renew",
      "dashboard",
      "diagnostics",
      "job-report-pull",
      "jobs-list",
      "jobs-run",
      "jobs-runs",
      "keyvault-events",
    ]);
    expect(byName.get("job-report-pull")).toMatchObject({
      triggerType: "timerTrigger",
      schedule: "%PULL_SCHEDULE%",
      runOnStartup: false,
    });
    expect(host.timerSchedule("job-report-pull").expression).toBe("0 */10 * * * *");
    // The app decides who gets through (src/auth): anonymous at the host, but for the key probe it asks.
    expect(byName.get("jobs-run")).toMatchObject({
      route: "jobs/{name}/run",
      methods: ["POST"],
      authLevel: "anonymous",
    });
    expect(byName.get("jobs-list")).toMatchObject({
      route: "jobs",
      methods: ["GET"],
      authLevel: "anonymous",
    });
    expect(byName.get("diagnostics")).toMatchObject({ route: "diagnostics/token", authLevel: "anonymous" });
    expect(byName.get("auth-key-check")).toMatchObject({
      route: "auth/key-check",
      methods: ["GET"],
      authLevel: "function",
    });
    expect(byName.get("keyvault-events")).toMatchObject({ triggerType: "eventGridTrigger" });
  });

  it("requires a credential on the HTTP functions", async () => {
    const response = await fetch(`${host.url}/api/jobs`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: "AUTH_CREDENTIAL_MISSING" } });
  });

  it("answers the key probe 204 for the host key and the admin key, 401 for others", async () => {
    const probe = (key: string) =>
      fetch(`${host.url}/api/auth/key-check`, { headers: { "x-functions-key": key } });
    expect((await probe(host.hostKey)).status).toBe(204);
    expect((await probe(host.masterKey)).status).toBe(204);
    expect((await probe("not-a-key")).status).toBe(401);
  });
});
