import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AlertLedger, DeliverOptions, StoredAlertState } from "../../src/alerts/AlertLedger.js";
import { buildCertificateInventory } from "../../src/certificates/buildCertificateInventory.js";
import { createCertificateWatch } from "../../src/certificates/createCertificateWatch.js";
import type {
  CertificateInventory,
  InventoryService,
} from "../../src/certificates/createInventoryService.js";
import type { ScannedCertificate } from "../../src/certificates/ScannedCertificate.js";
import { systemClock } from "../../src/clock/Clock.js";
import { createDeadline } from "../../src/clock/Deadline.js";
import { loadConfig } from "../../src/config/loadConfig.js";
import type { AppCredential, CredentialProvider } from "../../src/credentials/AppCredential.js";
import type { RotationService } from "../../src/rotation/createRotationService.js";
import type { RotationStore } from "../../src/rotation/RotationPorts.js";
import { fakeChannel } from "../alerts/fakeChannel.js";
import { appSettings } from "../functions/appSettings.js";
import { recordingLogger } from "../support/recordingLogger.js";
import { captureTelemetry, type TelemetryCapture } from "../support/telemetryCapture.js";

const DAY = 86_400_000;
const APP = "3d4e5f60-1111-4222-8333-944455556666";
const NOW = new Date("2030-06-01T06:00:00.000Z");
const VAULT = "https://kv-one.vault.azure.net";

const scanned = (name: string, expiresOn: Date | null): ScannedCertificate => ({
  vaultUrl: VAULT,
  name,
  version: null,
  enabled: true,
  notBefore: new Date(NOW.getTime() - 300 * DAY),
  expiresOn,
  tags: {},
  x5tSha1: null,
});

/**
 * The inventory the check sees, built as the inventory service builds it: a certificate 19.5 days before expiry
 * (the boundary where rounding down and up disagree), one expired two days ago, one with no known expiry; on the app
 * registration a certificate Key Vault does not hold and a client secret.
 */
function inventoryAt(now: Date): CertificateInventory {
  const built = buildCertificateInventory({
    scanned: [
      scanned("tls-cert", new Date(NOW.getTime() + 19.5 * DAY)),
      scanned("old-cert", new Date(NOW.getTime() - 2 * DAY)),
      scanned("mystery", null),
    ],
    inUse: null,
    application: {
      appId: APP,
      keyCredentials: [
        {
          keyId: "key-uploaded",
          customKeyIdentifier: null,
          displayName: "uploaded by hand",
          endDateTime: new Date(NOW.getTime() + 44.25 * DAY).toISOString(),
        },
      ],
      passwordCredentials: [
        {
          keyId: "secret-1",
          displayName: "ci",
          hint: "abc",
          startDateTime: null,
          endDateTime: new Date(NOW.getTime() + 10 * DAY).toISOString(),
        },
      ],
    },
    now,
    policy: { warningDays: 30, criticalDays: 7, reminderDays: [30, 14, 7, 3, 1] },
  });
  return {
    generatedAt: now.toISOString(),
    ...built,
    graphError: null,
    sources: [{ source: VAULT, ok: true, error: null }],
    rotation: null,
  };
}

const ok = (subject: string): StoredAlertState => ({
  subject,
  status: "ok",
  step: null,
  since: null,
  lastAlertKey: null,
  version: null,
});

/** A check over fakes: nothing managed (no renewal), a ledger that applies every transition and keeps its alerts. */
function world(options: { inventoryHangs?: boolean } = {}) {
  const raised: string[] = [];
  const deliveries: DeliverOptions[] = [];
  const ledger: AlertLedger = {
    getState: (subject) => Promise.resolve(ok(subject)),
    states: () => Promise.resolve(new Map()),
    recentAlerts: () => Promise.resolve([]),
    transition: (_subject, _expected, next, alert) => {
      if (alert) raised.push(alert.title);
      return Promise.resolve({ applied: true, state: { ...next, version: "1" } });
    },
    deliverPending: (_channels, options = {}) => {
      deliveries.push(options);
      return Promise.resolve({ sent: [], failed: [] });
    },
  };
  const credential: AppCredential = {
    id: "client-secret",
    kind: "client-secret",
    auth: { clientSecret: "not used" },
    certificate: null,
    signer: null,
    summary: {},
  };
  const credentials: CredentialProvider = {
    current: () => Promise.resolve(credential),
    reload: () => Promise.resolve(credential),
  };
  const rotation: RotationService = {
    managed: null,
    latestVersion: () => Promise.resolve(null),
    renew: () => Promise.reject(new Error("not used: nothing is managed")),
  };
  const rotations: RotationStore = {
    get: () => Promise.resolve(null),
    save: () => Promise.reject(new Error("not used")),
  };
  const inventory: InventoryService = {
    // A call that never answers ends at the deadline, naming its edge, as the real adapters' calls do.
    inventory: (_logger, deadline) =>
      options.inventoryHangs
        ? deadline!.bound("Key Vault", () => new Promise<never>(() => undefined))
        : Promise.resolve(inventoryAt(NOW)),
    recent: () => Promise.reject(new Error("not used by the certificate check")),
  };
  const watch = createCertificateWatch({
    config: loadConfig(appSettings([])),
    credentials,
    inventory,
    rotation,
    rotations,
    ledger,
    channels: [fakeChannel("webhook").channel],
    clock: options.inventoryHangs ? systemClock : () => NOW,
  });
  return { watch, raised, deliveries };
}

let telemetry: TelemetryCapture;
beforeEach(() => {
  telemetry = captureTelemetry();
});
afterEach(async () => {
  await telemetry.stop();
});

describe("a certificate check's telemetry", () => {
  it("records the days left of each watched certificate whose expiry is known, by vault, name and state", async () => {
    await world().watch.check(recordingLogger().logger, "schedule");

    const points = (await telemetry.points()).filter((p) => p.name === "m2m.certificate.days_left");
    expect(points.map((p) => [p.attributes, p.value, p.unit])).toEqual([
      [
        {
          "m2m.vault": "kv-one.vault.azure.net",
          "m2m.certificate.name": "tls-cert",
          "m2m.certificate.state": "warning",
        },
        20,
        "d",
      ],
      [
        {
          "m2m.vault": "kv-one.vault.azure.net",
          "m2m.certificate.name": "old-cert",
          "m2m.certificate.state": "expired",
        },
        -2,
        "d",
      ],
    ]);
  });

  it("records the days left of each certificate credential on the app registration, not of its secrets", async () => {
    await world().watch.check(recordingLogger().logger, "schedule");

    const points = (await telemetry.points()).filter((p) => p.name === "m2m.app_credential.days_left");
    expect(points.map((p) => [p.attributes, p.value])).toEqual([
      [{ "m2m.app.id": APP, "m2m.credential.key_id": "key-uploaded" }, 45],
    ]);
  });

  it("says the same days left in the log record, the alert and the metric (19.5 days left: 20)", async () => {
    const { watch, raised } = world();
    const log = recordingLogger();

    await watch.check(log.logger, "schedule");

    const record = log.entries.find(
      (e) => e.message === "Certificate expiry" && e.properties?.certificate === "tls-cert",
    );
    expect(record?.properties?.daysLeft).toBe(20);
    expect(raised).toContain("Certificate 'tls-cert' expires in 20 days");
    const points = await telemetry.points();
    expect(
      points.find((p) => p.attributes["m2m.certificate.name"] === "tls-cert" && p.name.endsWith("days_left"))
        ?.value,
    ).toBe(20);
  });

  it("runs in one 'certificate check' span that names its trigger", async () => {
    await world().watch.check(recordingLogger().logger, "event 42");

    const checks = telemetry.spans().filter((span) => span.name === "certificate check");
    expect(checks.map((span) => [span.kind, span.attributes])).toEqual([
      [SpanKind.INTERNAL, { "m2m.run.trigger": "event 42" }],
    ]);
  });

  it("fails its span with TIMED_OUT when the check runs out of time", async () => {
    await world({ inventoryHangs: true }).watch.check(
      recordingLogger().logger,
      "schedule",
      createDeadline({ budgetMs: 100, clock: systemClock }),
    );

    const [check] = telemetry.spans().filter((span) => span.name === "certificate check");
    expect(check?.status.code).toBe(SpanStatusCode.ERROR);
    expect(check?.attributes).toMatchObject({ "error.type": "TIMED_OUT", "m2m.error.code": "TIMED_OUT" });
  });

  it("delivers only the alerts of the subjects it speaks for: never a job's", async () => {
    const { watch, deliveries } = world();

    await watch.check(recordingLogger().logger, "schedule");

    const subjects = deliveries[0]?.subjects;
    expect(
      [
        "certificate:kv-one.vault.azure.net/tls-cert",
        "rotation:kv-one.vault.azure.net/app",
        `check:certificates/${APP}`,
        `drift:${APP}/ORPHANED_KEYS`,
        `credential:${APP}/secret-1`,
        "job:report-sync",
        "drift:another-app/ORPHANED_KEYS",
      ].map((subject) => [subject, subjects?.(subject)]),
    ).toEqual([
      ["certificate:kv-one.vault.azure.net/tls-cert", true],
      ["rotation:kv-one.vault.azure.net/app", true],
      [`check:certificates/${APP}`, true],
      [`drift:${APP}/ORPHANED_KEYS`, true],
      [`credential:${APP}/secret-1`, true],
      ["job:report-sync", false],
      ["drift:another-app/ORPHANED_KEYS", false],
    ]);
  });
});
