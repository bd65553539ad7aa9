import { HttpRequest, InvocationContext } from "@azure/functions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type Azurite } from "../../dev/azurite/startAzurite.js";
import type { StandIns } from "../../dev/startStandIns.js";
import { loadConfig } from "../../src/config/loadConfig.js";
import { createServices } from "../../src/container.js";
import type { DashboardModel } from "../../src/dashboard/createDashboard.js";
import { dashboardHandler } from "../../src/functions/dashboardHandler.js";
import { recordingLogger } from "../support/recordingLogger.js";
import { startHungTableStorage, type HungTableStorage } from "../support/hungTableStorage.js";
import { testScenario, useStandIns } from "../support/useStandIns.js";

const stand = useStandIns(testScenario({ certificates: [{ name: "app" }] }));
let standIns: StandIns;
let azurite: Azurite;
let hung: HungTableStorage;
beforeAll(async () => {
  standIns = stand();
  [azurite, hung] = await Promise.all([startAzurite(), startHungTableStorage()]);
});
afterAll(async () => {
  await Promise.all([azurite?.stop(), hung?.stop()]);
});

const budgetMs = 1_500;
const jobs = JSON.stringify([
  { name: "report-pull", schedule: "0 */5 * * * *", request: { url: "https://api.test/reports" } },
]);

/** The page for these settings, how long it took, and the model it was rendered from. */
async function page(storage: string) {
  const services = createServices(
    loadConfig({ ...standIns.settings, AzureWebJobsStorage: storage, M2M_JOBS: jobs }),
    { logger: recordingLogger().logger },
  );
  let model: DashboardModel | undefined;
  const dashboard = {
    async model(...args: Parameters<typeof services.dashboard.model>) {
      model = await services.dashboard.model(...args);
      return model;
    },
  };
  const started = Date.now();
  const response = await dashboardHandler(
    new HttpRequest({ method: "GET", url: "http://localhost/api/dashboard" }),
    new InvocationContext({ functionName: "dashboard" }),
    () => dashboard,
    { budgetMs },
  );
  return { response, elapsedMs: Date.now() - started, model: model! };
}

describe("GET /api/dashboard with a system that does not answer", () => {
  it("shows jobs and alerts, and says the certificates could not be read in time, when Graph hangs", async () => {
    standIns.entra.graphFaults.enqueue({ kind: "hang" });

    const { response, elapsedMs, model } = await page(azurite.connectionString);

    expect(elapsedMs).toBeLessThan(budgetMs + 1_500);
    expect(response.status).toBe(200);
    expect(model.certificates).toEqual({
      ok: false,
      error: expect.stringMatching(
        /^Key Vault, Microsoft Graph or Table Storage did not answer within 1(\.\d)? s: the invocation's deadline was reached\./,
      ) as unknown,
    });
    expect(model.jobs).toEqual({
      ok: true,
      value: [expect.objectContaining({ name: "report-pull", runs: [] })],
    });
    expect(model.alerts).toEqual({ ok: true, value: [] });
    expect(response.body).toContain("did not answer within");
  });

  it("says for every part that it could not be read in time, and still answers, when Table Storage hangs", async () => {
    const { response, elapsedMs, model } = await page(hung.connectionString);

    expect(elapsedMs).toBeLessThan(budgetMs + 1_500);
    expect(response.status).toBe(200);
    const storageTimedOut = {
      ok: false,
      error: expect.stringMatching(/^Table Storage did not answer within 1(\.\d)? s: /) as unknown,
    };
    expect(model.jobs).toEqual(storageTimedOut);
    expect(model.alerts).toEqual(storageTimedOut);
    // The inventory reads the rotation record from Table Storage too.
    expect(model.certificates).toEqual({
      ok: false,
      error: expect.stringMatching(
        /^Key Vault, Microsoft Graph or Table Storage did not answer within 1(\.\d)? s: /,
      ) as unknown,
    });
  });
});

describe("HEAD /api/dashboard", () => {
  it("answers as GET does, with the same headers and no body, reading nothing", async () => {
    const response = await dashboardHandler(
      new HttpRequest({ method: "HEAD", url: "http://localhost/api/dashboard" }),
      new InvocationContext({ functionName: "dashboard" }),
      () => ({ model: () => Promise.reject(new Error("a HEAD request reads nothing")) }),
    );
    expect(response.status).toBe(200);
    expect(response.body).toBeUndefined();
    expect(response.headers).toMatchObject({
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": expect.stringContaining("default-src 'none'") as unknown,
    });
  });
});
