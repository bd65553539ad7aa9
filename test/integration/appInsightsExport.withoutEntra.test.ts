import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  INGESTION_REASONS,
  startAppInsightsStandIn,
  type AppInsightsStandIn,
  type ReceivedAppInsights,
} from "../../dev/appinsights/startAppInsightsStandIn.js";
import { startLocalWorld, type LocalWorld } from "../../dev/demo/startDemo.js";
import type { HostLogEntry } from "../../dev/host/HostLogger.js";
import { startLocalHost, type LocalHost } from "../../dev/host/startLocalHost.js";

// An Application Insights component with local authentication off (as infra/ deploys it) and an app without
// APPLICATIONINSIGHTS_AUTHENTICATION_STRING: the exporters post without a token, the service answers 401 to every
// batch, and the app carries on. (The providers are process-wide: the accepted case has its own file.)
const entry = fileURLToPath(new URL("../../src/index.ts", import.meta.url));
const scenario = fileURLToPath(new URL("../../dev/scenarios/default.json", import.meta.url));

let world: LocalWorld;
let appInsights: AppInsightsStandIn;
let host: LocalHost;
let storage: string;
const hostLog: HostLogEntry[] = [];
beforeAll(async () => {
  world = await startLocalWorld(scenario);
  appInsights = await startAppInsightsStandIn({
    entra: {
      issuer: world.standIns.entra.issuer,
      jwksUri: world.standIns.entra.jwksUri,
      publishers: [world.standIns.entra.managedIdentity.principalId],
    },
  });
  // The exporter keeps refused batches on disk under the temporary directory, to retry them later: this test's own.
  storage = await mkdtemp(join(tmpdir(), "m2m-appinsights-"));
  host = await startLocalHost({
    entry,
    logger: { log: (line) => hostLog.push(line) },
    env: {
      ...world.env,
      APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.connectionString,
      APPLICATION_INSIGHTS_NO_STATSBEAT: "true",
      TMPDIR: storage,
      OTEL_SERVICE_NAME: "m2m-appinsights-test",
      OTEL_METRIC_EXPORT_INTERVAL: "1000",
      OTEL_BSP_SCHEDULE_DELAY: "200",
      OTEL_BLRP_SCHEDULE_DELAY: "200",
    },
  });
}, 60_000);
afterAll(async () => {
  await host?.stop();
  await Promise.all([appInsights?.stop(), world?.stop()]);
  if (storage) await rm(storage, { recursive: true, force: true });
});

describe("a job run exported without Entra authentication to a component that requires it", () => {
  let received: ReceivedAppInsights;
  beforeAll(async () => {
    await host.invokeTimer("job-report-pull");
    // The batches of spans, metrics and log records, each refused.
    received = await appInsights.waitFor(
      ({ attempts }) => {
        const sent = new Set(attempts.flatMap((attempt) => attempt.baseTypes));
        return ["RemoteDependencyData", "MetricData", "MessageData"].every((type) => sent.has(type));
      },
      { timeoutMs: 20_000 },
    );
  }, 30_000);

  it("has every batch refused with 401 and nothing accepted", () => {
    expect(received.items).toEqual([]);
    for (const attempt of received.attempts) {
      expect(attempt).toMatchObject({
        path: "/v2.1/track",
        status: 401,
        authorization: "none",
        principalId: null,
        itemsAccepted: 0,
      });
      expect(attempt.itemsReceived).toBeGreaterThan(0);
      expect(attempt.refusals).toEqual([
        `${INGESTION_REASONS.unauthorized}. Local authentication is disabled on this component: send a Microsoft ` +
          "Entra token for https://monitor.azure.com (APPLICATIONINSIGHTS_AUTHENTICATION_STRING names the identity).",
      ]);
    }
  });

  it("asks the managed identity for no Azure Monitor token", () => {
    const resources = world.standIns.entra.managedIdentityRequests.map((request) => request.resource);
    expect(resources).not.toContain("https://monitor.azure.com");
  });

  it("still runs the job to success", () => {
    const done = hostLog.filter(
      (line) => line.functionName === "job-report-pull" && line.message.includes("Job run succeeded"),
    );
    expect(done).toHaveLength(1);
    expect(world.downstream.requests).toHaveLength(1);
  });
});
