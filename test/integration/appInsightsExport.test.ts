import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startAppInsightsStandIn,
  type AppInsightsItem,
  type AppInsightsStandIn,
  type DependencyItem,
  type ReceivedAppInsights,
} from "../../dev/appinsights/startAppInsightsStandIn.js";
import { startLocalWorld, type LocalWorld } from "../../dev/demo/startDemo.js";
import type { HostLogEntry } from "../../dev/host/HostLogger.js";
import { startLocalHost, type LocalHost } from "../../dev/host/startLocalHost.js";

// The app through the local Functions host, exporting with the Azure Monitor exporters to a stand-in for Application
// Insights' ingestion endpoint that, like the component infra/ deploys, takes only Entra-authenticated telemetry: the
// exporters get their token from the managed identity endpoint for the identity that
// APPLICATIONINSIGHTS_AUTHENTICATION_STRING names. (The providers are process-wide: the refused case without that
// setting has its own file.)
const entry = fileURLToPath(new URL("../../src/index.ts", import.meta.url));
const scenario = fileURLToPath(new URL("../../dev/scenarios/default.json", import.meta.url));
const SERVICE_NAME = "m2m-appinsights-test";
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;

let world: LocalWorld;
let appInsights: AppInsightsStandIn;
let host: LocalHost;
const hostLog: HostLogEntry[] = [];
beforeAll(async () => {
  world = await startLocalWorld(scenario);
  const identity = world.standIns.entra.managedIdentity;
  appInsights = await startAppInsightsStandIn({
    entra: {
      issuer: world.standIns.entra.issuer,
      jwksUri: world.standIns.entra.jwksUri,
      publishers: [identity.principalId], // Monitoring Metrics Publisher, as infra/app/rbac.bicep grants it
    },
  });
  host = await startLocalHost({
    entry,
    logger: { log: (line) => hostLog.push(line) },
    env: {
      ...world.env,
      APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.connectionString,
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `Authorization=AAD;ClientId=${identity.clientId}`,
      // The exporter's own usage reports go to Microsoft's components, not to this one.
      APPLICATION_INSIGHTS_NO_STATSBEAT: "true",
      OTEL_SERVICE_NAME: SERVICE_NAME,
      OTEL_METRIC_EXPORT_INTERVAL: "1000",
      OTEL_BSP_SCHEDULE_DELAY: "200",
      OTEL_BLRP_SCHEDULE_DELAY: "200",
    },
  });
}, 60_000);
afterAll(async () => {
  await host?.stop();
  await Promise.all([appInsights?.stop(), world?.stop()]);
});

const dependencies = (items: readonly AppInsightsItem[]) =>
  items.filter((item): item is DependencyItem => item.type === "dependency");
const runOf = (items: readonly AppInsightsItem[], job: string) =>
  dependencies(items).find((item) => item.name === `job ${job}`);

describe("a job run exported to Application Insights with Microsoft Entra authentication", () => {
  let received: ReceivedAppInsights;
  beforeAll(async () => {
    await host.invokeTimer("job-report-pull");
    received = await appInsights.waitFor(
      ({ items }) =>
        runOf(items, "report-pull") !== undefined &&
        items.some((item) => item.type === "metric" && item.name === "m2m.job.runs") &&
        items.some((item) => item.type === "message" && item.message === "Job run succeeded"),
      { timeoutMs: 20_000 },
    );
  }, 30_000);

  it("sends every batch to v2.1/track with a valid token of the managed identity, and every item is accepted", () => {
    const identity = world.standIns.entra.managedIdentity;
    expect(received.attempts.length).toBeGreaterThan(0);
    for (const attempt of received.attempts) {
      expect(attempt).toMatchObject({
        path: "/v2.1/track",
        status: 200,
        authorization: "valid",
        principalId: identity.principalId,
        appId: identity.clientId,
        refusals: [],
      });
      expect(attempt.itemsAccepted).toBe(attempt.itemsReceived);
    }
    expect(world.standIns.entra.managedIdentityRequests).toContainEqual(
      expect.objectContaining({
        resource: "https://monitor.azure.com",
        clientId: identity.clientId,
        outcome: "issued",
      }),
    );
  });

  it("shows the run as a dependency with its attributes as custom dimensions, its downstream call below it", () => {
    const run = runOf(received.items, "report-pull")!;
    expect(run).toMatchObject({
      dependencyType: "InProc",
      success: true,
      cloudRole: SERVICE_NAME,
      properties: { "m2m.job": "report-pull", "m2m.run.trigger": "timer", "m2m.outcome": "succeeded" },
    });
    // The downstream attempt is an HTTP dependency of the run, and its id is in the traceparent the API received.
    const attempt = dependencies(received.items).find(
      (item) => item.parentId === run.id && item.dependencyType === "Http",
    );
    expect(attempt).toMatchObject({
      name: "GET /reports",
      operationId: run.operationId,
      resultCode: "200",
      properties: { "m2m.attempt": "1", "m2m.attempt.retry": "false" },
    });
    expect(world.downstream.requests.at(-1)?.traceparent).toBe(`00-${run.operationId}-${attempt!.id}-01`);
  });

  it("sends the run as the m2m.job.runs metric with its dimensions", () => {
    expect(received.items).toContainEqual(
      expect.objectContaining({
        type: "metric",
        name: "m2m.job.runs",
        cloudRole: SERVICE_NAME,
        properties: { "m2m.job": "report-pull", "m2m.run.trigger": "timer", "m2m.outcome": "succeeded" },
      }),
    );
  });

  it("sends the 'Job run succeeded' log record as a message with its properties as custom dimensions", () => {
    const run = runOf(received.items, "report-pull")!;
    const message = received.items.find(
      (item) => item.type === "message" && item.message === "Job run succeeded",
    );
    expect(message).toMatchObject({
      severityLevel: "Information",
      cloudRole: SERVICE_NAME,
      operationId: run.operationId,
      parentId: run.id,
      properties: expect.objectContaining({ job: "report-pull", status: "succeeded" }) as unknown,
    });
  });

  it("names the service as the cloud role of every item", () => {
    const roles = new Set(received.items.map((item) => item.cloudRole));
    expect([...roles]).toEqual([SERVICE_NAME]);
  });

  it("puts no token in the host's log or in what Application Insights stores", () => {
    expect(hostLog.filter((line) => JWT.test(line.message)).map((line) => line.message)).toEqual([]);
    expect(JSON.stringify(received.items)).not.toMatch(JWT);
  });
});
