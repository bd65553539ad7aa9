import { afterAll, beforeAll } from "vitest";
import { startAzurite, type Azurite } from "../../../dev/azurite/startAzurite.js";
import {
  startDownstreamStandIn,
  type DownstreamStandIn,
} from "../../../dev/downstream/startDownstreamStandIn.js";
import { startStandIns, type StandIns } from "../../../dev/startStandIns.js";
import { startWebhookReceiver, type WebhookReceiver } from "../../../dev/webhooks/startWebhookReceiver.js";
import type { Alert } from "../../../src/alerts/Alert.js";
import { loadConfig } from "../../../src/config/loadConfig.js";
import { createServices, type Services } from "../../../src/container.js";
import type { RunResult } from "../../../src/jobs/RunResult.js";
import { recordingLogger } from "../../support/recordingLogger.js";
import { testScenario } from "../../support/useStandIns.js";
import { DEADLINE_MS, RECORD_MARGIN_MS } from "./spec.js";

/** A job of one cell: its name, and where it sends its request (a path of the downstream stand-in). */
export interface CellJob {
  name: string;
  path: string;
  /** The job keeps the API's response (keepResponse), so its body is parsed within the cap. Default false. */
  keepResponse?: boolean;
}

/** What one job run yielded: its result, the invocation's log, and how long it took. */
export interface CellRun {
  result: RunResult;
  log: ReturnType<typeof recordingLogger>["entries"];
  elapsedMs: number;
}

/**
 * The world of the fault matrix's job-run cells, for one test file: the Entra ID (token endpoint, managed identity
 * endpoint, Graph) and Key Vault stand-ins, the downstream API, the alert webhook receiver and Azurite behind its
 * table fault proxy. Each cell gets a cold app instance of its own — `loadConfig` + `createServices`, as a host's
 * first invocation builds it — with a user-assigned managed identity of its own: MSAL keeps managed identity tokens
 * in a process-wide cache, so a new identity is what makes a cold start cross the managed identity endpoint, then
 * Key Vault (the certificate), then the token endpoint, then the API.
 */
export function useJobWorld() {
  const scenario = testScenario({ certificates: [{ name: "app" }] });
  let standIns: StandIns | undefined;
  let downstream: DownstreamStandIn | undefined;
  let receiver: WebhookReceiver | undefined;
  let azurite: Azurite | undefined;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    [standIns, azurite, receiver] = await Promise.all([
      startStandIns(scenario),
      startAzurite(),
      startWebhookReceiver(),
    ]);
    downstream = await startDownstreamStandIn({
      issuer: standIns.entra.issuer,
      jwksUri: standIns.entra.jwksUri,
      audience: "api://m2m-downstream",
    });
    Object.assign(process.env, standIns.managedIdentityEnv);
    // The app's tables exist, as in any deployment after its first run (fault-free).
    const warmUp = await world.run({ name: "warm-up", path: "/reports" });
    if (warmUp.result.status !== "succeeded") {
      throw new Error(`warm-up run failed: ${warmUp.result.errorMessage}`);
    }
  });
  afterAll(async () => {
    process.env = savedEnv;
    await Promise.all([standIns?.stop(), downstream?.stop(), receiver?.stop(), azurite?.stop()]);
  });

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the fault matrix's world starts in beforeAll");
    return value;
  };

  const world = {
    standIns: () => started(standIns),
    downstream: () => started(downstream),
    receiver: () => started(receiver),
    azurite: () => started(azurite),

    /**
     * A cold app instance whose only job is `job`, alerting the webhook after one failed run, and the client id of its
     * managed identity (aim managed identity faults at it: see IdentityFaultScript.enqueueFor).
     */
    instance(job: CellJob): { services: Services; identityClientId: string } {
      const { entra, vault, settings } = world.standIns();
      const identity = entra.addUserAssignedIdentity();
      vault.setRoles(identity.principalId, ["Key Vault Secrets User", "Key Vault Certificate User"]);
      const config = loadConfig({
        ...settings,
        M2M_MANAGED_IDENTITY_CLIENT_ID: identity.clientId,
        AzureWebJobsStorage: world.azurite().faultyConnectionString,
        M2M_JOBS: JSON.stringify([
          {
            name: job.name,
            schedule: "0 0 * * * *",
            request: { url: `${world.downstream().url}${job.path}` },
            timeoutMs: 1_000,
            deadlineMs: DEADLINE_MS,
            retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
            keepResponse: job.keepResponse ?? false,
          },
        ]),
        M2M_ALERT_AFTER_FAILURES: "1",
        M2M_ALERT_WEBHOOK_URL: `${world.receiver().url}/generic`,
      });
      return {
        services: createServices(config, {
          logger: recordingLogger().logger,
          recordMarginMs: RECORD_MARGIN_MS,
        }),
        identityClientId: identity.clientId,
      };
    },

    /** Runs the job once on `services` (a cold instance when not given), as `POST /api/jobs/{name}/run` does. */
    async run(job: CellJob, services: Services = world.instance(job).services): Promise<CellRun> {
      const { logger, entries } = recordingLogger();
      const begun = performance.now();
      const result = await services.jobs.run(job.name, { kind: "manual", isPastDue: false }, logger);
      return { result, log: entries, elapsedMs: performance.now() - begun };
    },

    /** The alerts the webhook accepted about `job`. */
    alertsAbout: (job: CellJob): Alert[] =>
      world
        .receiver()
        .received.map((delivery) => delivery.json as Alert)
        .filter((alert) => alert.subject === `job:${job.name}`),

    /** Clears every fault still waiting, on every edge. */
    clearFaults() {
      const { entra, vault } = world.standIns();
      entra.tokenFaults.clear();
      entra.identityFaults.clear();
      entra.graphFaults.clear();
      vault.faults.clear();
      world.downstream().faults.clear();
      world.receiver().faults.clear();
      world.azurite().tableFaults.clear();
    },
  };
  return world;
}
