import { fileURLToPath } from "node:url";
import { startAzurite, type Azurite } from "../azurite/startAzurite.js";
import { defaultRoutes } from "../downstream/defaultRoutes.js";
import { inventorySync, type InventoryFeed } from "../downstream/inventorySync.js";
import { startDownstreamStandIn, type DownstreamStandIn } from "../downstream/startDownstreamStandIn.js";
import type { HostLogger } from "../host/HostLogger.js";
import { startLocalHost, type LocalHost } from "../host/startLocalHost.js";
import { readScenario } from "../scenario.js";
import { startStandIns, type StandIns } from "../startStandIns.js";
import { startWebhookReceiver, type WebhookReceiver } from "../webhooks/startWebhookReceiver.js";

export interface Demo {
  /** Null with `withHost: false` (the stand-ins only, for `func start`). */
  host: LocalHost | null;
  /** The app settings that point the app at the stand-ins (what the host was given). */
  env: Record<string, string>;
  standIns: StandIns;
  azurite: Azurite;
  receiver: WebhookReceiver;
  /** The status page, with the function key in the query (`?code=`), as a browser opens it. */
  dashboardUrl: string;
  /** Stops the host (waiting for running functions), then every server and Azurite. Safe to call twice. */
  stop(): Promise<void>;
}

export interface DemoOptions {
  /** 7071 by default, as `func start`; 0 takes a free port. */
  port?: number;
  /** Default: dev/scenarios/demo.json. */
  scenarioPath?: string;
  /** Seconds between certificate checks (default 20). */
  certificateCheckSeconds?: number;
  logger?: HostLogger;
  /** Host key (default: random). */
  hostKey?: string;
  /** Default true; false starts everything but the app (Core Tools' `func start` runs it). */
  withHost?: boolean;
}

export interface LocalWorld {
  standIns: StandIns;
  azurite: Azurite;
  receiver: WebhookReceiver;
  /** The downstream API stand-in the jobs call. */
  downstreamUrl: string;
  /** The stand-in itself: the requests it received (their correlation headers), its faults. */
  downstream: DownstreamStandIn;
  /** The downstream API's change feed and inventory, which the example job sync-changes copies between. */
  inventory: InventoryFeed;
  /** App settings pointing the app at this world: stand-ins, managed identity, storage, jobs, the webhook. */
  env: Record<string, string>;
  /** Stops everything started, newest first. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * A scenario's world: Azurite, the Entra ID (with Graph) and Key Vault stand-ins seeded from it, the downstream API
 * its jobs call and a webhook receiver for alerts. Shared by `npm run dev` and `npm run local`.
 */
export async function startLocalWorld(scenarioPath: string): Promise<LocalWorld> {
  const scenario = await readScenario(scenarioPath);
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const next of stops.splice(0).reverse()) await next().catch(() => undefined);
  };
  try {
    const [standIns, azurite, receiver] = await Promise.all([
      startStandIns(scenario),
      startAzurite({ own: true }),
      startWebhookReceiver(),
    ]);
    stops.push(
      () => standIns.stop(),
      () => azurite.stop(),
      () => receiver.stop(),
    );
    const sync = inventorySync();
    const downstream = await startDownstreamStandIn({
      issuer: standIns.entra.issuer,
      jwksUri: standIns.entra.jwksUri,
      audience: scenario.scope.replace(/\/\.default$/, ""),
      routes: [...defaultRoutes(), ...sync.routes],
    });
    stops.push(() => downstream.stop());
    const env: Record<string, string> = {
      ...standIns.settings,
      ...standIns.managedIdentityEnv,
      FUNCTIONS_WORKER_RUNTIME: "node",
      AzureWebJobsStorage: azurite.connectionString,
      M2M_JOBS: JSON.stringify(scenario.jobs ?? []).replaceAll("{downstream}", downstream.url),
      M2M_ALERT_WEBHOOK_URL: `${receiver.url}/alerts`,
      M2M_ALERT_AFTER_FAILURES: "1",
      // The example job modules (examples/jobs): an incremental sync on the API's change feed and a Graph report.
      M2M_EXAMPLE_JOBS: "true",
      SYNC_SOURCE_URL: downstream.url,
      SYNC_TARGET_URL: downstream.url,
      SYNC_SCHEDULE: "*/15 * * * * *",
      DIRECTORY_REPORT_SCHEDULE: "*/30 * * * * *",
    };
    return {
      standIns,
      azurite,
      receiver,
      downstreamUrl: downstream.url,
      downstream,
      inventory: sync.feed,
      env,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The embedded demo `npm run dev` runs: the demo scenario's world — a certificate inside its renewal window, jobs
 * every few seconds — and the app in the local Functions host with its timers on. Everything the app does goes
 * through the real SDKs and real HTTPS; nothing is mocked.
 */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const world = await startLocalWorld(
    options.scenarioPath ?? fileURLToPath(new URL("../scenarios/demo.json", import.meta.url)),
  );
  const { standIns, azurite, receiver } = world;
  try {
    const seconds = options.certificateCheckSeconds ?? 20;
    const env: Record<string, string> = {
      ...world.env,
      M2M_CERT_CHECK_SCHEDULE: `*/${seconds} * * * * *`,
      M2M_CERT_RENEW_BEFORE_DAYS: "30",
      // One instance here: the old key can go as soon as the app has switched.
      M2M_ROTATION_GRACE_HOURS: "0",
    };
    if (options.withHost === false) {
      return { host: null, env, standIns, azurite, receiver, dashboardUrl: "", stop: () => world.stop() };
    }
    const host = await startLocalHost({
      entry: fileURLToPath(new URL("../../src/index.ts", import.meta.url)),
      port: options.port ?? 7071,
      runTimers: true,
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.hostKey ? { hostKey: options.hostKey } : {}),
      env,
    });
    // The source keeps changing, so each sync-changes run has a little to copy from where the last one stopped.
    const changes = setInterval(() => world.inventory.add(2), 10_000);
    changes.unref();
    return {
      host,
      env,
      standIns,
      azurite,
      receiver,
      dashboardUrl: `${host.functionUrl("dashboard")}?code=${encodeURIComponent(host.hostKey)}`,
      stop: async () => {
        clearInterval(changes);
        await host.stop();
        await world.stop();
      },
    };
  } catch (error) {
    await world.stop();
    throw error;
  }
}
