import { afterAll, beforeAll, vi } from "vitest";
import { startAzurite, type Azurite } from "../../dev/azurite/startAzurite.js";
import type { Scenario } from "../../dev/scenario.js";
import type { StandIns } from "../../dev/startStandIns.js";
import type { Alert } from "../../src/alerts/Alert.js";
import { loadConfig } from "../../src/config/loadConfig.js";
import { createServices, type Services } from "../../src/container.js";
import { startRecordingServer } from "../alerts/recordingServer.js";
import { recordingLogger } from "./recordingLogger.js";
import { useStandIns } from "./useStandIns.js";

export const DAY_MS = 86_400_000;

/**
 * The certificate lifecycle's world for one test file: the Entra ID and Key Vault stand-ins, Azurite, and a webhook
 * receiver the app's generic webhook channel alerts to. Time is the test's: `Date` is faked (and only `Date`:
 * timers run), so the app, MSAL, the Azure SDKs and the stand-ins all see the same clock, moved with `at()`.
 * TLS still checks certificates against the real time, which the stand-ins' server certificates satisfy.
 */
export function useCertificateWorld(scenario: Scenario, settings: Record<string, string> = {}) {
  // Before the stand-ins start: they take their clock (Date.now) when they start.
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
  });
  const stand = useStandIns(scenario);
  let azurite: Azurite | undefined;
  let webhook: Awaited<ReturnType<typeof startRecordingServer>> | undefined;
  const instances: Services[] = [];

  beforeAll(async () => {
    [azurite, webhook] = await Promise.all([startAzurite(), startRecordingServer()]);
  });
  afterAll(async () => {
    vi.useRealTimers();
    await Promise.all([azurite?.stop(), webhook?.close()]);
  });

  const world = {
    standIns: (): StandIns => stand(),
    /** Moves every clock to this instant (ms since the epoch). */
    at(ms: number) {
      vi.setSystemTime(ms);
    },
    /** An app instance: its own SDK clients and caches, sharing the tables and the stand-ins with the others. */
    instance(extra: Record<string, string> = {}): Services {
      const services = createServices(
        loadConfig({
          ...stand().settings,
          AzureWebJobsStorage: azurite!.connectionString,
          M2M_GRAPH_URL: stand().entra.authorityHost,
          M2M_ALERT_WEBHOOK_URL: `${webhook!.origin}/alerts`,
          ...settings,
          ...extra,
        }),
        { logger: recordingLogger().logger, clock: () => new Date() },
      );
      instances.push(services);
      return services;
    },
    /** Every alert the webhook received, in order. */
    alerts: (): Alert[] => (webhook?.requests ?? []).map((r) => JSON.parse(r.body) as Alert),
    /** Titles of the alerts received, "firing: …" / "resolved: …". */
    told: (): string[] => world.alerts().map((a) => `${a.kind}: ${a.title}`),
  };
  return world;
}
