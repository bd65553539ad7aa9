import { HttpRequest, InvocationContext } from "@azure/functions";
import { createServer, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/clock/Clock.js";
import { loadConfig } from "../../src/config/loadConfig.js";
import { createServices, type Services } from "../../src/container.js";
import { listJobsHandler } from "../../src/functions/listJobsHandler.js";
import { recordingLogger } from "../support/recordingLogger.js";
import { startHungTableStorage, type HungTableStorage } from "../support/hungTableStorage.js";

let storage: HungTableStorage;
let services: Services;
beforeAll(async () => {
  storage = await startHungTableStorage();
  services = createServices(
    loadConfig({
      M2M_TENANT_ID: "72f988bf-86f1-41af-91ab-2d7cd011db47",
      M2M_CLIENT_ID: "11111111-2222-3333-4444-555555555555",
      M2M_SCOPE: "api://reports/.default",
      M2M_CREDENTIAL_SOURCE: "client-secret",
      M2M_CLIENT_SECRET: "not-used-by-these-tests",
      M2M_JOBS: JSON.stringify([
        {
          name: "report-pull",
          schedule: "0 */5 * * * *",
          request: { url: "https://api.test/reports?key=x" },
        },
      ]),
      AzureWebJobsStorage: storage.connectionString,
    }),
    { logger: recordingLogger().logger },
  );
});
afterAll(async () => {
  await storage?.stop();
});

describe("GET /api/jobs with Table Storage not answering", () => {
  it("answers 504 at the deadline, naming Table Storage", async () => {
    const budgetMs = 1_500;
    const started = Date.now();

    const response = await listJobsHandler(
      new HttpRequest({ method: "GET", url: "http://localhost/api/jobs" }),
      new InvocationContext({ functionName: "jobs-list" }),
      () => services.jobs,
      systemClock,
      { budgetMs },
    );

    expect(Date.now() - started).toBeLessThan(budgetMs + 1_500);
    expect(storage.connections()).toBeGreaterThan(0);
    expect(response).toEqual({
      status: 504,
      jsonBody: {
        error: {
          code: "TIMED_OUT",
          message:
            "Table Storage did not answer within 1.5 s: the invocation's deadline was reached. Check that Table Storage is reachable from the app; a slow answer now and then is retried on the next run.",
        },
      },
    });
  });
});

describe("GET /api/jobs with Table Storage down", () => {
  it("answers 503 with the error's code and fix, not an empty 500", async () => {
    // A port that was free a moment ago: nothing listens there.
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const down = createServices(
      loadConfig({
        M2M_TENANT_ID: "72f988bf-86f1-41af-91ab-2d7cd011db47",
        M2M_CLIENT_ID: "11111111-2222-3333-4444-555555555555",
        M2M_SCOPE: "api://reports/.default",
        M2M_CREDENTIAL_SOURCE: "client-secret",
        M2M_CLIENT_SECRET: "not-used-by-these-tests",
        M2M_JOBS: JSON.stringify([
          { name: "report-pull", schedule: "0 */5 * * * *", request: { url: "https://api.test/reports" } },
        ]),
        AzureWebJobsStorage: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;TableEndpoint=http://127.0.0.1:${closed}/devstoreaccount1`,
      }),
      { logger: recordingLogger().logger },
    );

    const response = await listJobsHandler(
      new HttpRequest({ method: "GET", url: "http://localhost/api/jobs" }),
      new InvocationContext({ functionName: "jobs-list" }),
      () => down.jobs,
      systemClock,
      { budgetMs: 20_000 },
    );

    expect(response.status).toBe(503);
    const { error } = response.jsonBody as { error: { code: string; message: string } };
    expect(error.code).toBe("STATE_UNAVAILABLE");
    expect(error.message).toContain(
      "Check that AzureWebJobsStorage / M2M_STORAGE_CONNECTION names a reachable storage account",
    );
    expect(error.message).not.toContain("a2V5");
  });
});
