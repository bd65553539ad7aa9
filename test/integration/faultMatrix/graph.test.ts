import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type Azurite } from "../../../dev/azurite/startAzurite.js";
import { issueCertificate } from "../../../dev/pki/issueCertificate.js";
import { startStandIns, type StandIns } from "../../../dev/startStandIns.js";
import { startWebhookReceiver, type WebhookReceiver } from "../../../dev/webhooks/startWebhookReceiver.js";
import type { Alert } from "../../../src/alerts/Alert.js";
import { systemClock } from "../../../src/clock/Clock.js";
import { createDeadline } from "../../../src/clock/Deadline.js";
import { loadConfig } from "../../../src/config/loadConfig.js";
import { createServices } from "../../../src/container.js";
import { recordingLogger } from "../../support/recordingLogger.js";
import { testScenario } from "../../support/useStandIns.js";
import { CELL_MARGIN_MS, cellsOf, DEADLINE_MS, EVERY_REQUEST, INJECTIONS, type Cell } from "./spec.js";

/**
 * The fault matrix's cells on Microsoft Graph. The operation is the certificate check of a certificate due for renewal:
 * the rotation reads the app registration through Graph (the keys it has) before it creates a Key Vault version, so a
 * Graph fault must fail the renewal loudly — a named code, one error line, an alert — and create no version; a 429 it
 * retries must let it go on and create exactly one. Each cell has an app registration and a certificate of its own,
 * so what one cell alerts (or renews) is nobody else's.
 */
let standIns: StandIns;
let azurite: Azurite;
let receiver: WebhookReceiver;
const savedEnv = { ...process.env };

beforeAll(async () => {
  [standIns, azurite, receiver] = await Promise.all([
    startStandIns(testScenario({ certificates: [{ name: "app" }] })),
    startAzurite(),
    startWebhookReceiver(),
  ]);
  Object.assign(process.env, standIns.managedIdentityEnv);
});
afterAll(async () => {
  process.env = savedEnv;
  await Promise.all([standIns?.stop(), azurite?.stop(), receiver?.stop()]);
});
afterEach(() => standIns.entra.graphFaults.clear());

/**
 * A cold app instance for the cell: its own app registration (Application.ReadWrite.OwnedBy, its service principal an
 * owner, as a deployment sets it up) holding its own Key Vault certificate, which expires in 20 days: due for renewal.
 */
async function cellInstance(name: string) {
  const { entra, vault, settings } = standIns;
  const certificate = await issueCertificate({ subject: `CN=${name}`, validDays: 20 });
  vault.importCertificate(name, {
    certPem: certificate.certPem,
    keyPem: certificate.keyPem,
    subject: `CN=${name}`,
  });
  const app = entra.registerApp({ displayName: name });
  entra.addOwner(app.clientId, app.servicePrincipalObjectId);
  entra.assignRoles(app.clientId, "https://graph.microsoft.com", ["Application.ReadWrite.OwnedBy"]);
  entra.addCertificate(app.clientId, { certPem: certificate.certPem, displayName: name });
  const config = loadConfig({
    ...settings,
    M2M_CLIENT_ID: app.clientId,
    M2M_KEYVAULT_CERTIFICATE_NAME: name,
    AzureWebJobsStorage: azurite.connectionString,
    M2M_ALERT_WEBHOOK_URL: `${receiver.url}/generic`,
  });
  return { services: createServices(config, { logger: recordingLogger().logger }), clientId: app.clientId };
}

/** The alerts that say the check failed or ran out of time. */
const FAILURE_TITLES = (name: string) => [
  `Renewal of certificate '${name}' failed`,
  "Certificate check ran out of time",
];

async function runGraphCell({ fault: faultName, outcome }: Cell) {
  const name = `graph-${faultName}`.replace(/[^A-Za-z0-9]+/g, "-").toLowerCase();
  const { services, clientId } = await cellInstance(name);
  const { entra, vault } = standIns;
  const { fault, once } = INJECTIONS[faultName];
  const count = once ? 1 : EVERY_REQUEST;
  entra.graphFaults.enqueue(
    ...Array.from({ length: count }, () => {
      if (fault.kind === "unauthorized") throw new Error("no cell injects a 401");
      return fault;
    }),
  );
  const { logger, entries } = recordingLogger();
  const started = performance.now();

  const report = await services.watch.check(
    logger,
    "schedule",
    createDeadline({ budgetMs: DEADLINE_MS, clock: systemClock }),
  );

  const elapsedMs = performance.now() - started;
  const met = count - entra.graphFaults.pending();
  entra.graphFaults.clear();

  // Bounded: the deadline, then at most the alerting the check does after it; within the issue's bar.
  expect(elapsedMs).toBeLessThan(DEADLINE_MS + CELL_MARGIN_MS);
  // The fault was met on the real path: the 429 once; a lasting fault by every read (two or three a check).
  if (once) expect(met).toBe(1);
  else expect(met).toBeGreaterThanOrEqual(1);

  const errors = entries.filter((entry) => entry.level === "error");
  const versions = vault.getVersions(name).length;
  const failureAlerts = receiver.received
    .map((delivery) => delivery.json as Alert)
    .filter((alert) => alert.subject.endsWith(`/${name}`) || alert.subject.endsWith(`/${clientId}`))
    .filter((alert) => FAILURE_TITLES(name).includes(alert.title))
    .map((alert) => [alert.kind, alert.title]);

  if (outcome.status === "succeeded") {
    expect(report.renewal).toMatchObject({ due: true, error: null });
    expect(report.renewal.report?.actions).toContain("create-version");
    expect(report.timedOut).toBeNull();
    expect(errors).toEqual([]);
    // Exactly one new version: the renewal's.
    expect(versions).toBe(2);
    expect(failureAlerts).toEqual([]);
    return;
  }
  // Nothing renewed: the rotation stops before Key Vault.
  expect(versions).toBe(1);
  expect(report.renewal.report).toBeNull();
  if (outcome.status === "timed-out") {
    expect(report.timedOut?.edge).toBe(outcome.names);
    expect(errors).toEqual([
      expect.objectContaining({
        message: "Certificate check ran out of time",
        properties: expect.objectContaining({
          code: outcome.code,
          edge: outcome.names,
          // The time it was given is what was left when the call began: on a busy machine, less than the budget.
          error: expect.stringMatching(
            new RegExp(
              `^${outcome.names} did not answer within \\d+(\\.\\d)? s: the invocation's deadline was reached\\.`,
            ),
          ) as unknown,
        }) as unknown,
      }),
    ]);
    expect(failureAlerts).toEqual([["firing", "Certificate check ran out of time"]]);
    return;
  }
  expect(report.timedOut).toBeNull();
  expect(errors).toEqual([
    {
      level: "error",
      message: "Certificate renewal failed; the next check tries again",
      properties: { certificate: name, code: outcome.code, error: report.renewal.error },
    },
  ]);
  expect(report.renewal.error).toMatch(/^Microsoft Graph /);
  // A transient failure is retried as long as the deadline allows (how often depends on the time the check's reads
  // before it left), and the message says why it stopped; an answer that is no application is final at once.
  if (outcome.retried === "then fails") expect(report.renewal.error).toMatch(/\(after \d+ attempts?[;)]/);
  else expect(report.renewal.error).not.toMatch(/\(after \d+ attempts?/);
  expect(failureAlerts).toEqual([["firing", `Renewal of certificate '${name}' failed`]]);
}

describe.each(["Graph"] as const)("%s", (edge) => {
  it.each(cellsOf(edge))("$fault", async (cell) => {
    await runGraphCell(cell);
  });
});
