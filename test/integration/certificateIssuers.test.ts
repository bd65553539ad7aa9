import { X509Certificate } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Services } from "../../src/container.js";
import { DAY_MS, useCertificateWorld } from "../support/certificateWorld.js";
import { recordingLogger } from "../support/recordingLogger.js";
import { testScenario } from "../support/useStandIns.js";

// The policy names an issuer object called "corp-tls": its provider, not its name, says whether Key Vault renews.
const scenario = testScenario({
  certificates: [{ name: "app", validDays: 90, issuerName: "corp-tls" }],
  vault: { issuers: [{ name: "corp-tls", provider: "DigiCert" }] },
});
const world = useCertificateWorld(scenario, {
  M2M_CERT_RENEW_BEFORE_DAYS: "30",
  M2M_ROTATION_GRACE_HOURS: "0",
});

let app: Services;
beforeAll(() => {
  app = world.instance();
});
const check = () => app.watch.check(recordingLogger().logger, "test");
const vault = () => world.standIns().vault;
const identity = () => world.standIns().entra.managedIdentity.principalId;
const atRenewalWindow = async () =>
  world.at((await app.credentials.current()).certificate!.notAfter.getTime() - 30 * DAY_MS);

describe("renewal decided by the issuer object's provider", () => {
  it("renews by itself when the issuer object's provider is a CA Key Vault works with (DigiCert)", async () => {
    await atRenewalWindow();
    const report = await check();

    expect(report.renewal.report).toMatchObject({ stoppedAt: "done" });
    const versions = vault().getVersions("app");
    expect(versions).toHaveLength(2);
    const current = (await app.credentials.current()).certificate!;
    expect(new X509Certificate(current.chainPems[0]!).issuer).toBe("CN=DigiCert (Key Vault stand-in) CA");
    expect(world.told()).not.toContain("firing: Certificate 'app' needs a manual renewal");
    expect(world.told()).toContain("resolved: Certificate 'app' rotated");
  });

  it("asks a person for a CSR when the issuer object's provider is one Key Vault does not work with", async () => {
    vault().setIssuer("corp-tls", { provider: "OneCertV2-PrivateCA" });
    await atRenewalWindow();
    const report = await check();

    expect(report.renewal.report).toMatchObject({ stoppedAt: "manual" });
    expect(vault().getVersions("app")).toHaveLength(2);
    expect(world.told()).toContain("firing: Certificate 'app' needs a manual renewal");
  });
  it("fails loudly, naming the role, when the app's identity may not read the issuer — never taken for manual", async () => {
    // Key Vault Certificate User reads certificates and secrets, not issuers (certificatecas/read).
    vault().setRoles(identity(), ["Key Vault Certificate User"]);
    const report = await check();

    expect(report.renewal.report).toBeNull();
    expect(report.renewal.error).toMatch(
      /^The app's identity may not read the certificate issuer 'corp-tls' that the policy of 'app' names in https:\/\/127\.0\.0\.1:\d+ \(Microsoft\.KeyVault\/vaults\/certificatecas\/read\), so it cannot tell whether Key Vault renews the certificate itself or a person must merge a CSR\. Grant the identity the 'Key Vault Certificates Officer' role on the vault/,
    );
    expect(vault().getVersions("app")).toHaveLength(2);
    const told = world.told();
    expect(told).toContain("firing: Renewal of certificate 'app' failed");
    const failed = world.alerts().find((a) => a.title === "Renewal of certificate 'app' failed")!;
    expect(failed.text).toContain("'Key Vault Certificates Officer'");
  });
});
