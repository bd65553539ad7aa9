import { beforeAll, describe, expect, it } from "vitest";
import type { Services } from "../../src/container.js";
import { acquireWithCertificate } from "../../src/tokens/acquireWithCertificate.js";
import { DAY_MS, useCertificateWorld } from "../support/certificateWorld.js";
import { recordingLogger } from "../support/recordingLogger.js";
import { testScenario } from "../support/useStandIns.js";
import type { KeyVaultRole } from "../../dev/keyvault/builtInRoles.js";

/** How the story signs: see the two test files that tell it. */
export interface SigningVariant {
  signing: "local" | "vault";
  /** The policy's `exportable`: false keeps the key in Key Vault (the secret holds only the chain). */
  exportable: boolean;
  /** The managed identity's roles on the vault; undefined for the stand-in's default. */
  identityRoles?: KeyVaultRole[];
}

/**
 * The 90-day certificate story on the test's clock, told with one signing variant. Each variant is its own test file:
 * the SDKs' token caches live for the process, and a second set of stand-ins would not accept the first one's tokens.
 */
export function certificateLifecycleStory(variant: SigningVariant): void {
  const scenario = testScenario({
    certificates: [{ name: "app", validDays: 90, exportable: variant.exportable }],
    ...(variant.identityRoles ? { vault: { identityRoles: [...variant.identityRoles] } } : {}),
  });
  const world = useCertificateWorld(scenario, {
    M2M_CERT_RENEW_BEFORE_DAYS: "5",
    M2M_ROTATION_GRACE_HOURS: "24",
    M2M_KEYVAULT_SIGNING: variant.signing,
  });

  let app: Services;
  let expiry: number;
  beforeAll(async () => {
    app = world.instance();
    expiry = (await app.credentials.current()).certificate!.notAfter.getTime();
  });

  const check = () => app.watch.check(recordingLogger().logger, "test");
  const registeredThumbprints = () =>
    world
      .standIns()
      .entra.getApp(scenario.app.clientId)!
      .keyCredentials.map((k) => k.customKeyIdentifier);

  describe("the certificate lifecycle: a 90-day story on the test's clock", () => {
    it("says nothing while the certificate is far from expiry", async () => {
      world.at(expiry - 60 * DAY_MS);
      const report = await check();
      expect(report.inventory!.items).toMatchObject([{ name: "app", state: "valid", managed: true }]);
      expect(report.renewal).toMatchObject({ due: false, report: null });
      expect(world.told()).toEqual([]);
    });

    it("alerts once at each reminder step, escalating, however often it checks", async () => {
      world.at(expiry - 30 * DAY_MS);
      await check();
      await check();
      world.at(expiry - 20 * DAY_MS);
      await check();
      world.at(expiry - 14 * DAY_MS);
      await check();
      world.at(expiry - 7 * DAY_MS);
      await check();
      await check();

      expect(world.told()).toEqual([
        "firing: Certificate 'app' expires in 30 days",
        "firing: Certificate 'app' expires in 14 days",
        "firing: Certificate 'app' expires in 7 days",
      ]);
      const [thirty, , seven] = world.alerts();
      expect(thirty).toMatchObject({ severity: "warning" });
      expect(thirty!.text).toContain(
        "The app renews it and rotates the app registration's key 5 days before expiry",
      );
      expect(seven).toMatchObject({ severity: "critical" });
      // The critical alert says when addKey becomes impossible: when the last registered certificate ends.
      expect(seven!.text).toContain(`Renew before ${new Date(expiry).toISOString()}`);
      expect(seven!.facts).toContainEqual({ name: "Days left", value: "7" });
    });

    it("renews at renew-before-days, registers the new key, gets a token with it and switches, in one check", async () => {
      const old = (await app.credentials.current()).certificate!;
      world.at(expiry - 5 * DAY_MS);
      const report = await check();

      expect(report.renewal.report).toMatchObject({
        actions: ["start", "create-version", "add-key", "verify", "wait"],
        stoppedAt: "wait",
      });
      const current = (await app.credentials.current()).certificate!;
      expect(current.thumbprintSha1).not.toBe(old.thumbprintSha1);
      expect(current.notAfter.getTime()).toBeGreaterThan(expiry);
      expect(registeredThumbprints()).toEqual([old.thumbprintSha1, current.thumbprintSha1]);
      // The token path works with the new certificate: a fresh token, from Entra ID, through the app.
      await acquireWithCertificate(app.config, (await app.credentials.current()).signer!);
      expect((await app.tokens.getToken({ forceRefresh: true })).token).toBeTruthy();

      expect(world.told().slice(3)).toEqual([
        "resolved: Certificate 'app' renewed",
        "firing: Certificate 'app' renewed; the app uses the new version",
      ]);
      expect(world.alerts()[4]!.text).toContain(
        `is removed after ${new Date(expiry - 4 * DAY_MS).toISOString()}`,
      );
    });

    it("keeps the old key through the grace period, then removes it with a proof signed by the new one", async () => {
      world.at(expiry - 4 * DAY_MS - 60_000);
      expect((await check()).renewal.report).toMatchObject({ actions: ["wait"] });
      expect(registeredThumbprints()).toHaveLength(2);

      world.at(expiry - 4 * DAY_MS);
      const report = await check();
      expect(report.renewal.report).toMatchObject({ actions: ["remove-key", "done"], stoppedAt: "done" });
      const current = (await app.credentials.current()).certificate!;
      expect(registeredThumbprints()).toEqual([current.thumbprintSha1]);
      expect(report.inventory!.rotation).toMatchObject({ step: "completed" });
      expect(world.told().slice(5)).toEqual(["resolved: Certificate 'app' rotated"]);
    });

    it("has said everything exactly once: later checks, and a new instance, send nothing more", async () => {
      world.at(expiry + 10 * DAY_MS);
      await check();
      await world.instance().watch.check(recordingLogger().logger, "another instance");
      const keys = world.alerts().map((a) => a.dedupeKey);
      expect(keys).toHaveLength(6);
      expect(new Set(keys).size).toBe(6);
      // Past the old certificate's expiry the app runs on the new one without a hitch.
      expect((await app.tokens.getToken({ forceRefresh: true })).token).toBeTruthy();
    });

    it(`signs ${variant.signing === "vault" ? "in Key Vault, never reading a secret" : "locally, never asking Key Vault to sign"}`, () => {
      const requests = world.standIns().vault.requests.filter((r) => r.authenticated);
      const signs = requests.filter((r) => r.method === "POST" && r.path.endsWith("/sign"));
      const secretReads = requests.filter((r) => r.path.startsWith("/secrets/"));
      if (variant.signing === "vault") {
        // Token requests, the new version's check, and the addKey and removeKey proofs: all signed in the vault.
        expect(signs.length).toBeGreaterThanOrEqual(4);
        expect(secretReads).toEqual([]);
      } else {
        expect(signs).toEqual([]);
        expect(secretReads.length).toBeGreaterThan(0);
      }
    });
  });
}
