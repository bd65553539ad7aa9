import { beforeAll, describe, expect, it } from "vitest";
import { issueCertificate } from "../../dev/pki/issueCertificate.js";
import type { Services } from "../../src/container.js";
import { DAY_MS, useCertificateWorld } from "../support/certificateWorld.js";
import { recordingLogger } from "../support/recordingLogger.js";
import { testScenario } from "../support/useStandIns.js";

// An issuer Key Vault is not integrated with: a person merges a CA-signed CSR.
const scenario = testScenario({ certificates: [{ name: "app", validDays: 90, issuerName: "Unknown" }] });
const world = useCertificateWorld(scenario, {
  M2M_CERT_RENEW_BEFORE_DAYS: "30",
  M2M_ROTATION_GRACE_HOURS: "0",
});

let app: Services;
let expiry: number;
beforeAll(async () => {
  app = world.instance();
  expiry = (await app.credentials.current()).certificate!.notAfter.getTime();
});
const check = () => app.watch.check(recordingLogger().logger, "test");

describe("a certificate Key Vault cannot renew itself", () => {
  it("asks a person, once, to merge a CSR, and says how", async () => {
    world.at(expiry - 30 * DAY_MS);
    const report = await check();
    await check();
    expect(report.renewal.report).toMatchObject({ stoppedAt: "manual" });
    expect(world.standIns().vault.getVersions("app")).toHaveLength(1);
    expect(world.told()).toEqual([
      "firing: Certificate 'app' expires in 30 days",
      "firing: Certificate 'app' needs a manual renewal",
    ]);
    const manual = world.alerts()[1]!;
    expect(manual.text).toMatch(
      /az keyvault certificate create .*pending show .*--query csr.*pending merge/s,
    );
    // The expiry alert goes out as the renewal starts; the manual-renewal alert follows when it cannot go on.
    expect(world.alerts()[0]!.text).toContain(
      "the app is renewing it and rotating the app registration's key now",
    );
  });

  it("carries on by itself once the person has merged the new version: registers, proves, switches, retires", async () => {
    const merged = await issueCertificate({ subject: "CN=app", validDays: 365 });
    world.standIns().vault.importCertificate("app", {
      certPem: merged.certPem,
      keyPem: merged.keyPem,
      issuerName: "Unknown",
    });
    world.at(expiry - 29 * DAY_MS);
    const report = await check();

    expect(report.renewal.report).toMatchObject({ stoppedAt: "done" });
    expect((await app.credentials.current()).certificate!.thumbprintSha1).toBe(merged.thumbprintSha1);
    expect(
      world
        .standIns()
        .entra.getApp(scenario.app.clientId)!
        .keyCredentials.map((k) => k.customKeyIdentifier),
    ).toEqual([merged.thumbprintSha1]);
    // Once the merged version is registered and in use, people hear so (as after an automatic renewal), and the
    // "rotated" message closes the rotation, naming the new version.
    expect(world.told().slice(2)).toEqual([
      "resolved: Certificate 'app' renewed",
      "firing: Certificate 'app' renewed; the app uses the new version",
      "resolved: Certificate 'app' rotated",
    ]);
  });
});
