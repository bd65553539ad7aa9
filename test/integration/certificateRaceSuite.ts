import { beforeAll, describe, expect, it } from "vitest";
import type { CreateCompletion } from "../../dev/keyvault/createVaultStore.js";
import type { Services } from "../../src/container.js";
import { DAY_MS, useCertificateWorld } from "../support/certificateWorld.js";
import { recordingLogger } from "../support/recordingLogger.js";
import { testScenario } from "../support/useStandIns.js";

/**
 * Three app instances check the certificate at the same time, through its renewal, while Key Vault completes the new
 * version as `createCompletion` says: after a delay, right after a client listed the versions (before it reads the
 * pending operation), or only when the pending operation is read. One file per mode: each needs its own world (the
 * managed identity's token cache lives as long as the process).
 */
export function describeCertificateRace(createCompletion: CreateCompletion): void {
  describe(`several instances checking at the same time (Key Vault completes creates ${createCompletion})`, () => {
    const scenario = testScenario({
      certificates: [{ name: "app", validDays: 90 }],
      vault: { createCompletion },
    });
    const world = useCertificateWorld(scenario, {
      M2M_CERT_RENEW_BEFORE_DAYS: "10",
      M2M_ROTATION_GRACE_HOURS: "0",
    });

    let instances: Services[];
    let expiry: number;
    beforeAll(async () => {
      instances = [world.instance(), world.instance(), world.instance()];
      expiry = (await instances[0]!.credentials.current()).certificate!.notAfter.getTime();
    });

    const checkAll = () =>
      Promise.allSettled(
        instances.map((app, i) => app.watch.check(recordingLogger().logger, `instance ${i}`)),
      );

    it("send each alert once", async () => {
      world.at(expiry - 14 * DAY_MS);
      const results = await checkAll();
      expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
      expect(world.told()).toEqual(["firing: Certificate 'app' expires in 14 days"]);
    });

    it("renew and rotate once: one new version, one addKey, every instance on the new certificate", async () => {
      world.at(expiry - 10 * DAY_MS);
      const first = await checkAll();
      expect(first.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
      // Whoever lost the race to the lease finishes nothing twice; a later check settles what is left.
      const second = await checkAll();
      // Nobody starts another rotation: under the lease, the latest version is seen not to be due.
      for (const result of second) {
        expect(
          result.status === "fulfilled" ? (result.value.renewal.report?.actions ?? []) : ["failed"],
        ).not.toContain("start");
      }

      const versions = world.standIns().vault.getVersions("app");
      expect(versions.map((v) => v.status)).toEqual(["completed", "completed"]);
      const registered = world.standIns().entra.getApp(scenario.app.clientId)!.keyCredentials;
      expect(registered).toHaveLength(1);
      const thumbprints = await Promise.all(
        instances.map(async (app) => (await app.credentials.current()).certificate!.thumbprintSha1),
      );
      expect(new Set(thumbprints).size).toBe(1);
      expect(registered[0]!.customKeyIdentifier).toBe(thumbprints[0]);

      const told = world.told();
      expect(told.filter((t) => t === "resolved: Certificate 'app' renewed")).toHaveLength(1);
      expect(
        told.filter((t) => t === "firing: Certificate 'app' renewed; the app uses the new version"),
      ).toHaveLength(1);
      expect(told.filter((t) => t === "resolved: Certificate 'app' rotated")).toHaveLength(1);
      expect(new Set(world.alerts().map((a) => a.dedupeKey)).size).toBe(world.alerts().length);
    });
  });
}
