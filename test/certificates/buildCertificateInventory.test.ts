import { describe, expect, it } from "vitest";
import { buildCertificateInventory } from "../../src/certificates/buildCertificateInventory.js";
import type { ExpiryPolicy } from "../../src/certificates/ExpiryPolicy.js";
import type { ScannedCertificate } from "../../src/certificates/ScannedCertificate.js";

const DAY = 86_400_000;
const APP = "11111111-2222-4333-8444-555555555555";
const VAULT = "https://kv-m2m.vault.azure.net";
const now = new Date("2026-11-21T10:00:00.000Z");
const policy: ExpiryPolicy = { warningDays: 30, criticalDays: 7, reminderDays: [30, 14, 7, 3, 1] };
const APP_SHA1 = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const TLS_SHA1 = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

const scanned = (name: string, x5tSha1: string | null, daysLeft: number): ScannedCertificate => ({
  vaultUrl: VAULT,
  name,
  version: null,
  enabled: true,
  notBefore: new Date(now.getTime() - 300 * DAY),
  expiresOn: new Date(now.getTime() + daysLeft * DAY),
  tags: {},
  x5tSha1,
});
const inUse = {
  name: "app-cert",
  thumbprintSha1: APP_SHA1,
  thumbprintSha256: "C".repeat(64),
  issuer: "CN=app-cert",
  notAfter: new Date(now.getTime() + 10 * DAY),
};
const base64 = (hex: string) => Buffer.from(hex, "hex").toString("base64");

describe("buildCertificateInventory", () => {
  it("classifies every certificate and says which one the app uses and whether it is registered", () => {
    const { items, findings } = buildCertificateInventory({
      scanned: [
        scanned("app-cert", APP_SHA1, 10),
        scanned("tls-cert", TLS_SHA1, 200),
        scanned("odd", null, 1),
      ],
      inUse,
      application: {
        appId: APP,
        keyCredentials: [
          { keyId: "k-app", customKeyIdentifier: base64(APP_SHA1), displayName: null, endDateTime: null },
        ],
        passwordCredentials: [],
      },
      now,
      policy,
    });
    expect(findings).toEqual([]);
    expect(items.map((i) => [i.name, i.state, i.daysLeft, i.step, i.inUse, i.registration])).toEqual([
      ["app-cert", "warning", 10, 14, true, "registered"],
      ["tls-cert", "valid", 200, null, false, "not-registered"],
      ["odd", "critical", 1, 1, false, "unknown"],
    ]);
    expect(items[0]).toMatchObject({
      issuer: "CN=app-cert",
      thumbprints: { sha1: APP_SHA1, sha256: "C".repeat(64) },
      notAfter: new Date(now.getTime() + 10 * DAY).toISOString(),
      drift: [],
    });
    expect(items[1]).toMatchObject({ issuer: null, thumbprints: { sha1: TLS_SHA1, sha256: null } });
  });

  it("puts findings about a certificate on its item and the others beside the items", () => {
    const { items, findings } = buildCertificateInventory({
      scanned: [scanned("app-cert", APP_SHA1, 10)],
      inUse,
      application: {
        appId: APP,
        keyCredentials: [
          { keyId: "k-stranger", customKeyIdentifier: TLS_SHA1, displayName: null, endDateTime: null },
        ],
        passwordCredentials: [],
      },
      now,
      policy,
    });
    expect(items[0]!.registration).toBe("not-registered");
    expect(items[0]!.drift.map((f) => f.code)).toEqual(["NOT_REGISTERED"]);
    expect(findings.map((f) => f.code)).toEqual(["ORPHANED_KEYS"]);
  });

  it("does not call a registered key orphaned when it belongs to a version named as known", () => {
    const { findings } = buildCertificateInventory({
      scanned: [scanned("app-cert", APP_SHA1, 10)],
      inUse,
      application: {
        appId: APP,
        keyCredentials: [
          { keyId: "k-app", customKeyIdentifier: APP_SHA1, displayName: null, endDateTime: null },
          { keyId: "k-previous", customKeyIdentifier: TLS_SHA1, displayName: null, endDateTime: null },
        ],
        passwordCredentials: [],
      },
      otherKnownThumbprints: [TLS_SHA1.toLowerCase()],
      now,
      policy,
    });
    expect(findings).toEqual([]);
  });

  it("reports registration unknown, and no drift, when the app registration could not be read", () => {
    const { items, findings } = buildCertificateInventory({
      scanned: [scanned("app-cert", APP_SHA1, 10)],
      inUse,
      application: null,
      now,
      policy,
    });
    expect(items[0]).toMatchObject({ registration: "unknown", drift: [], inUse: true });
    expect(findings).toEqual([]);
  });
});
