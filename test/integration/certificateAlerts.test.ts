import { InvocationContext, type EventGridEvent } from "@azure/functions";
import { certificateEvent, type CertificateEventType } from "../../dev/keyvault/certificateEvent.js";
import { beforeAll, describe, expect, it } from "vitest";
import { issueCertificate } from "../../dev/pki/issueCertificate.js";
import type { Services } from "../../src/container.js";
import { keyVaultEventHandler } from "../../src/functions/keyVaultEventHandler.js";
import { DAY_MS, useCertificateWorld } from "../support/certificateWorld.js";
import { recordingLogger } from "../support/recordingLogger.js";
import { testScenario } from "../support/useStandIns.js";

const scenario = testScenario({ certificates: [{ name: "app", validDays: 365 }] });
const world = useCertificateWorld(scenario);
let vaultUrl: string;
let app: Services;

/** A certificate in the vault that is not the app's: `days` of validity from now, with tags. */
async function importCertificate(name: string, days: number, tags: Record<string, string> = {}) {
  const issued = await issueCertificate({ subject: `CN=${name}`, validDays: days });
  return world
    .standIns()
    .vault.importCertificate(name, { certPem: issued.certPem, keyPem: issued.keyPem, tags });
}

beforeAll(async () => {
  vaultUrl = world.standIns().vault.url;
  await importCertificate("partner-api", 20, { team: "payments" });
  await importCertificate("untagged-soon", 3);
  await importCertificate("named-one", 10);
  app = world.instance({ M2M_CERT_SCOPE: `${vaultUrl}, named-one`, M2M_CERT_SCOPE_TAG: "team=payments" });
});

const check = (services = app) => services.watch.check(recordingLogger().logger, "test");
const event = (type: CertificateEventType, name: string): EventGridEvent =>
  certificateEvent(type, { vaultUrl, name, version: "0123456789abcdef0123456789abcdef" });

describe("certificate alerts across the scope", () => {
  it("watches the app's certificate, named certificates and tagged certificates of whole vaults", async () => {
    const report = await check();
    expect(report.inventory!.items.map((item) => item.name).sort()).toEqual([
      "app",
      "named-one",
      "partner-api",
    ]);
    expect(report.inventory!.sources.every((source) => source.ok)).toBe(true);
    expect(world.told().sort()).toEqual([
      "firing: Certificate 'named-one' expires in 10 days",
      "firing: Certificate 'partner-api' expires in 20 days",
    ]);
    const partner = world.alerts().find((a) => a.title.includes("partner-api"))!;
    expect(partner.text).toContain("az keyvault certificate create");
    expect(partner.facts).toContainEqual({ name: "Renewal", value: "not managed by this app" });
  });

  it("runs the same path on a near-expiry event: the event's alert is not sent again by the timer", async () => {
    world.at(Date.now() + 7 * DAY_MS); // partner-api: 13 days left → the 14-day step
    const messages: string[] = [];
    const context = new InvocationContext({
      functionName: "keyvault-events",
      logHandler: (_level, ...args) => void messages.push(String(args[0])),
    });
    await keyVaultEventHandler(event("CertificateNearExpiry", "partner-api"), context, () => app);
    const afterEvent = world.told().length;
    expect(world.told().slice(2).sort()).toEqual([
      "firing: Certificate 'named-one' expires in 3 days",
      "firing: Certificate 'partner-api' expires in 13 days",
    ]);
    await check();
    expect(world.told()).toHaveLength(afterEvent);
  });

  it("alerts on the app registration's own client secret, and resolves it once the secret is removed", async () => {
    const secret = world.standIns().entra.addClientSecret(scenario.app.clientId, {
      displayName: "legacy-integration",
      endDateTime: new Date(Date.now() + 6 * DAY_MS),
    });
    await check();
    expect(world.told().at(-1)).toBe(
      "firing: Client secret 'legacy-integration' (keyId " +
        secret.keyId +
        ") on the app registration expires in 6 days",
    );
    world.standIns().entra.removeKey(scenario.app.clientId, secret.keyId);
    await check();
    expect(world.told().at(-1)).toMatch(/^resolved: App registration credential no longer watched/);
  });

  it("says a certificate is no longer watched once it leaves the vault's tag filter", async () => {
    const narrower = world.instance({ M2M_CERT_SCOPE: vaultUrl, M2M_CERT_SCOPE_TAG: "team=payments" });
    await check(narrower);
    expect(world.told().at(-1)).toBe("resolved: Certificate 'named-one' is no longer watched");
    await check(narrower);
    expect(world.told().filter((t) => t.includes("named-one"))).toHaveLength(3);
  });
});
