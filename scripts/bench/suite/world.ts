import { startAzurite, type Azurite } from "../../../dev/azurite/startAzurite.js";
import {
  startDownstreamStandIn,
  type DownstreamStandIn,
} from "../../../dev/downstream/startDownstreamStandIn.js";
import { readScenario } from "../../../dev/scenario.js";
import { startStandIns, type StandIns } from "../../../dev/startStandIns.js";
import { startWebhookReceiver, type WebhookReceiver } from "../../../dev/webhooks/startWebhookReceiver.js";
import type { Clock } from "../../../src/clock/Clock.js";
import { loadConfig } from "../../../src/config/loadConfig.js";
import type { Config } from "../../../src/config/Config.js";
import { createServices, type Services } from "../../../src/container.js";
import { silentLogger } from "../../../src/logging/Logger.js";

/**
 * What the suite measures against, started once: the Entra ID (token endpoint, managed identity, Graph) and Key
 * Vault stand-ins of the default scenario, the downstream API, the alert webhook receiver, and Azurite with its
 * table proxy in front — the proxy counts every Table Storage request the app makes (`tableRequests`).
 */
export interface BenchWorld {
  standIns: StandIns;
  downstream: DownstreamStandIn;
  receiver: WebhookReceiver;
  azurite: Azurite;
  /** App settings for an instance: the stand-ins, storage through the counting proxy, and `extra`. */
  settings(extra?: Record<string, string>): Record<string, string>;
  /** A new app instance (a cold start's services) on `settings`; `adjust` may change the loaded config. */
  instance(
    settings: Record<string, string>,
    options?: { clock?: Clock; adjust?: (config: Config) => Config },
  ): Services;
  /** Table Storage requests made through the proxy so far. */
  tableRequests(): number;
  /** Of those, the ones that came when no other was in flight: each starts a round trip the app waited on. */
  serialTableRequests(): number;
  stop(): Promise<void>;
}

export async function startBenchWorld(): Promise<BenchWorld> {
  const scenario = await readScenario("dev/scenarios/default.json");
  const [standIns, azurite, receiver] = await Promise.all([
    startStandIns(scenario),
    startAzurite(),
    startWebhookReceiver(),
  ]);
  const downstream = await startDownstreamStandIn({
    issuer: standIns.entra.issuer,
    jwksUri: standIns.entra.jwksUri,
    audience: scenario.scope.replace(/\/\.default$/, ""),
  });
  Object.assign(process.env, standIns.managedIdentityEnv);
  const world: BenchWorld = {
    standIns,
    downstream,
    receiver,
    azurite,
    settings: (extra = {}) => ({
      ...standIns.settings,
      AzureWebJobsStorage: azurite.faultyConnectionString,
      ...extra,
    }),
    instance(settings, options = {}) {
      const loaded = loadConfig(settings);
      const config = options.adjust ? options.adjust(loaded) : loaded;
      return createServices(config, {
        logger: silentLogger,
        ...(options.clock ? { clock: options.clock } : {}),
      });
    },
    tableRequests: () => azurite.tableRequests.length,
    serialTableRequests: () => azurite.tableRequests.filter((request) => !request.overlapped).length,
    async stop() {
      await Promise.all([standIns.stop(), downstream.stop(), receiver.stop(), azurite.stop()]);
    },
  };
  return world;
}

/** An HTTP job of the suite: GET the downstream stand-in's /reports on a 5-minute schedule. */
export function reportsJob(world: BenchWorld, name: string): string {
  return JSON.stringify([
    { name, schedule: "0 */5 * * * *", request: { url: `${world.downstream.url}/reports` } },
  ]);
}
