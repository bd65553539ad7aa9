import { beforeAll, describe, expect, it } from "vitest";
import type { Services } from "../../src/container.js";
import { ROTATION_TABLE, tableRotationStore } from "../../src/rotation/tableRotationStore.js";
import { tableClientFor } from "../../src/state/tableClientFor.js";
import { DAY_MS, useCertificateWorld } from "../support/certificateWorld.js";
import { recordingLogger } from "../support/recordingLogger.js";
import { testScenario } from "../support/useStandIns.js";

// A create operation the app did not start, or did not see through, completes at the worst moment for a reader.
// Whatever the interleaving, the renewal makes exactly one new version, and the app ends up on it.
const scenario = testScenario({ certificates: [{ name: "app", validDays: 90 }] });
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
const inUse = async () => (await app.credentials.current()).certificate!;
const registered = () =>
  world
    .standIns()
    .entra.getApp(scenario.app.clientId)!
    .keyCredentials.map((k) => k.customKeyIdentifier);
/** Moves to the renewal window of the certificate in use. */
const atRenewalWindow = async () => world.at((await inUse()).notAfter.getTime() - 30 * DAY_MS);

async function expectRenewedOnceTo(version: string, versionsBefore: number, actions: string[]) {
  expect(actions).not.toContain("create-version");
  expect(
    vault()
      .getVersions("app")
      .map((v) => v.status),
  ).toEqual(Array<string>(versionsBefore + 1).fill("completed"));
  expect(vault().getVersions("app").at(-1)!.version).toBe(version);
  const current = await inUse();
  expect(registered()).toEqual([current.thumbprintSha1]);
  expect((await app.credentials.current()).summary.version).toBe(version);
}

describe("exactly one new version per renewal, whatever Key Vault's interleaving", () => {
  it("Key Vault's AutoRenew creates a version as the app renews, completing right after the app lists the versions", async () => {
    vault().setCreateCompletion("after-versions-list");
    await atRenewalWindow();
    const autoRenewed = await vault().startCreate("app");

    const report = await check();

    expect(report.renewal.report).toMatchObject({ stoppedAt: "done" });
    await expectRenewedOnceTo(autoRenewed, 1, report.renewal.report!.actions);
  });

  it("a rotation whose create was cut short (accepted by Key Vault, never read back) completes when the pending operation is read", async () => {
    vault().setCreateCompletion("on-pending-read");
    await atRenewalWindow();
    const current = await inUse();
    // The run that created the version ended right after Key Vault accepted it: the record says renewing.
    const store = tableRotationStore(
      tableClientFor(
        {
          kind: "connection-string",
          connectionString:
            app.config.storage.kind === "connection-string" ? app.config.storage.connectionString : "",
        },
        ROTATION_TABLE,
      ),
    );
    const stored = (await store.get("app"))!;
    const now = new Date().toISOString();
    const saved = await store.save(
      {
        ...stored.record,
        step: "renewing",
        startedAt: now,
        updatedAt: now,
        oldVersion: String((await app.credentials.current()).summary.version),
        oldThumbprintSha1: current.thumbprintSha1,
        oldKeyId: null,
        newVersion: null,
        newThumbprintSha1: null,
        newKeyId: null,
        switchedAt: null,
        retireAfter: null,
        completedAt: null,
      },
      stored.etag,
    );
    expect(saved.saved).toBe(true);
    const created = await vault().startCreate("app");

    const report = await check();

    expect(report.renewal.report).toMatchObject({ stoppedAt: "done" });
    await expectRenewedOnceTo(created, 2, report.renewal.report!.actions);
  });

  it("Key Vault's AutoRenew completes the moment the app's new rotation first reads the pending operation", async () => {
    vault().setCreateCompletion("on-pending-read");
    await atRenewalWindow();
    const autoRenewed = await vault().startCreate("app");

    const report = await check();

    expect(report.renewal.report).toMatchObject({ stoppedAt: "done" });
    await expectRenewedOnceTo(autoRenewed, 3, report.renewal.report!.actions);
  });
});
