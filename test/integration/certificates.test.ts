import { HttpRequest, InvocationContext } from "@azure/functions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type Azurite } from "../../dev/azurite/startAzurite.js";
import type { StandIns } from "../../dev/startStandIns.js";
import type { CertificateInventory } from "../../src/certificates/createInventoryService.js";
import { loadConfig } from "../../src/config/loadConfig.js";
import { createServices, type Services } from "../../src/container.js";
import { checkCertificatesHandler } from "../../src/functions/checkCertificatesHandler.js";
import { listCertificatesHandler } from "../../src/functions/listCertificatesHandler.js";
import { renewCertificateHandler } from "../../src/functions/renewCertificateHandler.js";
import type { RotationReport } from "../../src/rotation/rotateCertificate.js";
import { acquireWithCertificate } from "../../src/tokens/acquireWithCertificate.js";
import { recordingLogger } from "../support/recordingLogger.js";
import { testScenario, useStandIns } from "../support/useStandIns.js";
import { splitLogLine } from "../support/logLine.js";

const scenario = testScenario({
  certificates: [{ name: "app" }, { name: "partner-api", registerOnApp: false }],
});
const stand = useStandIns(scenario);
let standIns: StandIns;
let azurite: Azurite;
let services: Services;

beforeAll(async () => {
  standIns = stand();
  azurite = await startAzurite();
  services = createServices(
    loadConfig({
      ...standIns.settings,
      M2M_KEYVAULT_CERTIFICATE_NAME: "app",
      AzureWebJobsStorage: azurite.connectionString,
      M2M_GRAPH_URL: standIns.entra.authorityHost,
      M2M_ROTATION_GRACE_HOURS: "0",
      M2M_CERT_SCOPE: standIns.settings.M2M_KEYVAULT_URL!,
    }),
    { logger: recordingLogger().logger },
  );
});
afterAll(() => azurite?.stop());

const context = (name: string) => new InvocationContext({ functionName: name, logHandler: () => undefined });
const renew = async (name: string) => {
  const response = await renewCertificateHandler(
    new HttpRequest({
      method: "POST",
      url: `http://localhost/api/certificates/${name}/renew`,
      params: { name },
    }),
    context("certificates-renew"),
    () => services,
  );
  return {
    status: response.status,
    body: response.jsonBody as RotationReport & { error?: { code: string; message: string } },
  };
};
const inventory = async () =>
  (
    await listCertificatesHandler(
      new HttpRequest({ method: "GET", url: "http://localhost/api/certificates" }),
      context("certificates-list"),
      () => services,
    )
  ).jsonBody as CertificateInventory;

describe("certificate inventory and rotation, end to end", () => {
  it("serves views from one shared read a minute, whatever the viewers; a fresh read (the check's) replaces it", async () => {
    const log = recordingLogger().logger;
    const reads = () => ({
      vault: standIns.vault.requests.length,
      graph: standIns.entra.graphRequests.length,
    });
    const fresh = await services.inventory.inventory(log);
    const one = { vault: reads().vault, graph: reads().graph };
    await services.inventory.inventory(log);
    const perRead = { vault: reads().vault - one.vault, graph: reads().graph - one.graph };
    expect(perRead.vault).toBeGreaterThan(0);
    expect(perRead.graph).toBeGreaterThan(0);

    // Three viewers at once, with nothing recent enough: one read between them.
    const before = reads();
    // (A max age below zero: whatever was read before is too old.)
    const views = await Promise.all([-1, -1, -1].map((maxAgeMs) => services.inventory.recent(log, maxAgeMs)));
    expect(new Set(views.map((v) => v.generatedAt)).size).toBe(1);
    expect(reads()).toEqual({ vault: before.vault + perRead.vault, graph: before.graph + perRead.graph });

    // Within a minute: no read at all.
    const shown = await services.inventory.recent(log, 60_000);
    expect(shown).toBe(views[0]);
    expect(reads()).toEqual({ vault: before.vault + perRead.vault, graph: before.graph + perRead.graph });

    // The certificate check reads afresh; viewers then see its inventory.
    const checked = await services.inventory.inventory(log);
    expect(await services.inventory.recent(log, 60_000)).toBe(checked);
    expect(fresh.items.map((item) => item.name)).toEqual(checked.items.map((item) => item.name));
  });

  it("lists the vault's certificates with days left, state and whether the app registration knows them", async () => {
    const listed = await inventory();
    expect(listed.graphError).toBeNull();
    // The app's own certificate is read on its own and found in the vault's listing: it is listed once.
    expect(listed.items.map((item) => item.name).sort()).toEqual(["app", "partner-api"]);
    const byName = new Map(listed.items.map((item) => [item.name, item]));
    expect(byName.get("app")).toMatchObject({
      state: "valid",
      inUse: true,
      managed: true,
      policyIssuer: "Self",
      registration: "registered",
    });
    expect(listed.sources).toEqual([
      { source: standIns.vault.url, ok: true, error: null },
      { source: `${standIns.vault.url}/certificates/app`, ok: true, error: null },
    ]);
    expect(byName.get("app")?.daysLeft).toBeGreaterThanOrEqual(89);
    expect(byName.get("partner-api")).toMatchObject({ inUse: false, registration: "not-registered" });
  });

  it("logs one record per certificate with its days left on the scheduled check", async () => {
    const records: { message: string; properties: Record<string, unknown> }[] = [];
    const logContext = new InvocationContext({
      functionName: "certificates-check",
      logHandler: (_level, message) => void records.push(splitLogLine(String(message))),
    });
    await checkCertificatesHandler(
      {
        isPastDue: false,
        schedule: { adjustForDST: false },
        scheduleStatus: { last: "", next: "", lastUpdated: "" },
      },
      logContext,
      () => services,
    );
    const expiry = records.filter((r) => r.message === "Certificate expiry").map((r) => r.properties);
    expect(expiry.map((r) => r.certificate).sort()).toEqual(["app", "partner-api"]);
    expect(expiry.find((r) => r.certificate === "app")).toMatchObject({
      daysLeft: expect.any(Number) as unknown,
      state: "valid",
      inUse: true,
      registration: "registered",
    });
  });

  it("renews in Key Vault, registers the new key with a proof, switches to it, and retires the old key", async () => {
    const oldCertificate = (await services.credentials.current()).signer!;

    // The run waits for Key Vault to issue the new version; with no grace period it goes all the way.
    const first = await renew("app");
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      actions: ["start", "create-version", "add-key", "verify", "remove-key", "done"],
      stoppedAt: "done",
    });
    const current = (await services.credentials.current()).certificate!;
    expect(current.thumbprintSha256).not.toBe(oldCertificate.certificate.thumbprintSha256);
    expect(
      standIns.entra.getApp(scenario.app.clientId)!.keyCredentials.map((k) => k.customKeyIdentifier),
    ).toEqual([current.thumbprintSha1]);

    // The old certificate is refused now; the new one works.
    await expect(acquireWithCertificate(services.config, oldCertificate)).rejects.toMatchObject({
      aadsts: 700027,
    });
    await acquireWithCertificate(services.config, (await services.credentials.current()).signer!);
    expect((await inventory()).rotation).toMatchObject({ step: "completed" });

    // Renew now, again: a new rotation follows the completed one.
    const again = await renew("app");
    expect(again.body).toMatchObject({
      actions: ["start", "create-version", "add-key", "verify", "remove-key", "done"],
      record: { oldVersion: first.body.record!.newVersion },
    });
  });
});
