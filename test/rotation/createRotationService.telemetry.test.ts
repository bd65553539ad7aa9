import { SpanKind } from "@opentelemetry/api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/loadConfig.js";
import type { CredentialProvider } from "../../src/credentials/AppCredential.js";
import type { GraphApplications } from "../../src/graph/GraphApplications.js";
import { createRotationService } from "../../src/rotation/createRotationService.js";
import type { RenewableCertificate, RotationStore } from "../../src/rotation/RotationPorts.js";
import type { RotationRecord } from "../../src/rotation/RotationRecord.js";
import type { Lease, LeaseStore } from "../../src/state/LeaseStore.js";
import { appSettings } from "../functions/appSettings.js";
import { manualClock } from "../support/manualClock.js";
import { recordingLogger } from "../support/recordingLogger.js";
import { captureTelemetry, type TelemetryCapture } from "../support/telemetryCapture.js";

const OLD = "AAAABBBBCCCCDDDDEEEEFFFF0000111122223333";

/** The rotation service over in-memory stand-ins: Key Vault accepts the create and keeps issuing the new version. */
function service() {
  const time = manualClock(Date.UTC(2030, 0, 1, 10, 0));
  let pending = false;
  const vault: RenewableCertificate = {
    versions: () => Promise.resolve([{ version: "v1", thumbprintSha1: OLD, expiresOn: null }]),
    latest: () => Promise.resolve({ version: "v1", thumbprintSha1: OLD, expiresOn: null }),
    hasPendingOperation: () => Promise.resolve(pending),
    isRenewable: () => Promise.resolve(true),
    createVersion: () => {
      pending = true;
      return Promise.resolve("started");
    },
    load: () => Promise.reject(new Error("not used: the new version never completes here")),
  };
  const application = {
    id: "0a1b2c3d-2222-4222-8333-944455556666",
    appId: "3d4e5f60-1111-4222-8333-944455556666",
    displayName: "app",
    keyCredentials: [
      {
        keyId: "k-old",
        customKeyIdentifier: Buffer.from(OLD, "hex").toString("base64"),
        displayName: null,
        startDateTime: null,
        endDateTime: null,
        type: "AsymmetricX509Cert",
        usage: "Verify",
      },
    ],
    passwordCredentials: [],
  };
  const graph: GraphApplications = {
    get: () => Promise.resolve(application),
    getByAppId: () => Promise.resolve(application),
    addKey: () => Promise.reject(new Error("not used")),
    removeKey: () => Promise.reject(new Error("not used")),
  };
  let stored: { record: RotationRecord; etag: string } | null = null;
  const store: RotationStore = {
    get: () => Promise.resolve(stored),
    save: (record) => {
      stored = { record, etag: crypto.randomUUID() };
      return Promise.resolve({ saved: true as const, etag: stored.etag });
    },
  };
  const leases: LeaseStore = {
    acquire: (key, owner, ttlMs) => {
      const now = time.clock();
      const lease: Lease = {
        key,
        owner,
        acquiredAt: now,
        expiresAt: new Date(now.getTime() + ttlMs),
        etag: "1",
      };
      return Promise.resolve({ acquired: true, lease });
    },
    renew: (lease) => Promise.resolve(lease),
    release: () => Promise.resolve(),
  };
  const credentials: CredentialProvider = {
    current: () => Promise.reject(new Error("not used")),
    reload: () => Promise.reject(new Error("not used")),
  };
  return createRotationService({
    config: loadConfig(appSettings([])),
    credentials,
    leases,
    store,
    vault,
    graph,
    clock: time.clock,
    sleep: () => Promise.resolve(),
    leaseHeartbeat: (_ms, signal) =>
      new Promise<void>((_resolve, reject) =>
        signal.addEventListener("abort", () => reject(new Error("released")), { once: true }),
      ),
  });
}

let telemetry: TelemetryCapture;
beforeEach(() => {
  telemetry = captureTelemetry();
});
afterEach(async () => {
  await telemetry.stop();
});

describe("a renewal's trace", () => {
  it("is one 'rotation' span with a child span per step taken; the waits for the new version add none", async () => {
    const report = await service().renew("app", recordingLogger().logger, { restart: "always" });
    expect(report.stoppedAt).toBe("await-version");

    const spans = telemetry.spans();
    const rotation = spans.find((span) => span.name === "rotation");
    expect([rotation?.kind, rotation?.attributes]).toEqual([
      SpanKind.INTERNAL,
      { "m2m.certificate.name": "app" },
    ]);
    const children = spans.filter(
      (span) => span.parentSpanContext?.spanId === rotation?.spanContext().spanId,
    );
    expect(children.map((span) => span.name)).toEqual(["rotation start", "rotation create-version"]);
    expect(spans.map((span) => span.name).sort()).toEqual([
      "rotation",
      "rotation create-version",
      "rotation start",
    ]);
  });
});
