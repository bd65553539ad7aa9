import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { detectDrift, type DriftInput, type RegisteredSecret } from "../../src/certificates/detectDrift.js";
import type { ExpiryPolicy } from "../../src/certificates/ExpiryPolicy.js";
import type { RegisteredKey } from "../../src/certificates/registeredKeyThumbprint.js";

const DAY = 86_400_000;
const APP = "11111111-2222-4333-8444-555555555555";
const now = new Date("2026-11-21T10:00:00.000Z");
const policy: ExpiryPolicy = { warningDays: 30, criticalDays: 7, reminderDays: [30, 14, 7, 3, 1] };
const IN_USE = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const NEXT = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
const STRANGER = "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC";
const base64 = (hex: string) => Buffer.from(hex, "hex").toString("base64");
const iso = (msFromNow: number) => new Date(now.getTime() + msFromNow).toISOString();

const key = (keyId: string, customKeyIdentifier: string | null, endInMs = 90 * DAY): RegisteredKey => ({
  keyId,
  customKeyIdentifier,
  displayName: `CN=${keyId}`,
  endDateTime: iso(endInMs),
});
const secret = (keyId: string, endInMs: number): RegisteredSecret => ({
  keyId,
  displayName: "legacy",
  hint: "abc",
  startDateTime: iso(-300 * DAY),
  endDateTime: iso(endInMs),
});
const input = (overrides: Partial<DriftInput>): DriftInput => ({
  appId: APP,
  inUse: { name: "app-cert", thumbprintSha1: IN_USE, notAfter: new Date(now.getTime() + 90 * DAY) },
  known: [],
  keyCredentials: [key("k-in-use", base64(IN_USE))],
  passwordCredentials: [],
  now,
  policy,
  ...overrides,
});

describe("detectDrift", () => {
  it.each([
    ["base64 (Graph)", base64(IN_USE)],
    ["hex (the app manifest, the stand-in)", IN_USE],
    ["hex, lower case", IN_USE.toLowerCase()],
  ])("finds nothing when the certificate in use is registered, its identifier in %s", (_name, identifier) => {
    expect(detectDrift(input({ keyCredentials: [key("k-in-use", identifier)] }))).toEqual([]);
  });

  it("matches a key by the SHA-1 of its certificate when the identifier is not a thumbprint", () => {
    const der = Buffer.from("not really a certificate, but bytes all the same");
    const thumbprint = createHash("sha1").update(der).digest("hex");
    const found = detectDrift(
      input({
        inUse: { name: "app-cert", thumbprintSha1: thumbprint, notAfter: null },
        keyCredentials: [{ ...key("k-1", "my-own-label"), key: der.toString("base64") }],
      }),
    );
    expect(found).toEqual([]);
  });

  it("reports the certificate in use when Entra ID does not know it, before it causes AADSTS700027", () => {
    const found = detectDrift(input({ keyCredentials: [key("k-next", base64(NEXT))], known: [named(NEXT)] }));
    expect(found).toEqual([
      {
        code: "NOT_REGISTERED",
        severity: "critical",
        thumbprintSha1: IN_USE,
        keyIds: [],
        message: `Certificate 'app-cert' (SHA-1 ${IN_USE}) is not registered on app registration ${APP}: Entra ID will refuse its assertions with AADSTS700027. Upload its public key to the app registration (Certificates & secrets > Upload certificate), or let the rotation register it with addKey while another registered certificate is still valid.`,
      },
    ]);
  });

  it("tells a registration that ended before its certificate from an expired certificate", () => {
    const found = detectDrift(input({ keyCredentials: [key("k-in-use", base64(IN_USE), -DAY)] }));
    expect(found).toMatchObject([{ code: "REGISTERED_EXPIRED", severity: "critical", keyIds: ["k-in-use"] }]);
    expect(found[0]!.message).toBe(
      `The registration of certificate 'app-cert' (SHA-1 ${IN_USE}) on app registration ${APP} ended at ${iso(-DAY)}, before the certificate itself (valid until ${iso(90 * DAY)}): Entra ID refuses assertions signed with it (AADSTS700027, key expired). Register it again with its own end date (Certificates & secrets > Upload certificate, or addKey with a proof signed by another registered certificate that is still valid).`,
    );
  });

  it("reports the registration of the expired certificate in use, critically", () => {
    const found = detectDrift(
      input({
        inUse: { name: "app-cert", thumbprintSha1: IN_USE, notAfter: now },
        keyCredentials: [key("k-in-use", base64(IN_USE), 0)],
      }),
    );
    expect(found).toEqual([
      expect.objectContaining({
        code: "REGISTERED_EXPIRED",
        severity: "critical",
        thumbprintSha1: IN_USE,
        keyIds: ["k-in-use"],
      }),
    ]);
    expect(found[0]!.message).toBe(
      `The registration of certificate 'app-cert' (SHA-1 ${IN_USE}) on app registration ${APP} ended at ${now.toISOString()}: Entra ID refuses assertions signed with it (AADSTS700027, key expired). Renew the certificate in Key Vault and register the new one; addKey needs a proof signed by a certificate that is still valid, so if none is left, upload the new certificate in the portal.`,
    );
  });

  it.each([
    ["ended 1 ms ago", -1, ["REGISTERED_EXPIRED"]],
    ["ends now", 0, ["REGISTERED_EXPIRED"]],
    ["ends in 1 ms (still valid, so orphaned)", 1, ["ORPHANED_KEYS"]],
  ])("an unknown registered key that %s is reported once", (_name, endInMs, codes) => {
    const found = detectDrift(
      input({ keyCredentials: [key("k-in-use", base64(IN_USE)), key("k-old", base64(STRANGER), endInMs)] }),
    );
    expect(found.map((f) => f.code)).toEqual(codes);
    expect(found[0]).toMatchObject({ severity: "warning", keyIds: ["k-old"] });
  });

  it("reports keys that match no known certificate as orphaned, in one finding", () => {
    const found = detectDrift(
      input({
        known: [named(NEXT)],
        keyCredentials: [
          key("k-in-use", base64(IN_USE)),
          key("k-next", base64(NEXT)),
          key("k-stranger", base64(STRANGER)),
          key("k-label", "hand-made"),
        ],
      }),
    );
    expect(found).toEqual([
      {
        code: "ORPHANED_KEYS",
        severity: "warning",
        thumbprintSha1: null,
        keyIds: ["k-stranger", "k-label"],
        message: `2 certificates registered on app registration ${APP} match no certificate the app knows of: certificate 'CN=k-stranger' (keyId k-stranger, SHA-1 ${STRANGER}); certificate 'CN=k-label' (keyId k-label, identifier "hand-made"). Whoever holds their private keys can get tokens as the app. If nothing else signs with them, remove them from the app registration.`,
      },
    ]);
  });

  it("reports a registration that ended, with its certificate in use having no known end, as one to renew", () => {
    const found = detectDrift(
      input({
        inUse: { name: "app-cert", thumbprintSha1: IN_USE, notAfter: null },
        keyCredentials: [key("k-in-use", base64(IN_USE), -DAY)],
      }),
    );
    expect(found).toEqual([
      {
        code: "REGISTERED_EXPIRED",
        severity: "critical",
        thumbprintSha1: IN_USE,
        keyIds: ["k-in-use"],
        message: `The registration of certificate 'app-cert' (SHA-1 ${IN_USE}) on app registration ${APP} ended at ${iso(-DAY)}: Entra ID refuses assertions signed with it (AADSTS700027, key expired). Renew the certificate in Key Vault and register the new one; addKey needs a proof signed by a certificate that is still valid, so if none is left, upload the new certificate in the portal.`,
      },
    ]);
  });

  it("reports an expired key that matches no known certificate as expired, with what to do, and not as orphaned", () => {
    const found = detectDrift(
      input({ keyCredentials: [key("k-in-use", base64(IN_USE)), key("k-old", base64(STRANGER), -DAY)] }),
    );
    expect(found).toEqual([
      {
        code: "REGISTERED_EXPIRED",
        severity: "warning",
        thumbprintSha1: STRANGER,
        keyIds: ["k-old"],
        message: `The registered certificate 'CN=k-old' (keyId k-old, SHA-1 ${STRANGER}) on app registration ${APP} expired at ${iso(-DAY)} and can no longer be used. Remove it from the app registration (removeKey, or Certificates & secrets > Delete) to keep the list honest.`,
      },
    ]);
  });

  it("never reports a registered key without an end date as expired, and reports it as orphaned when unknown", () => {
    const found = detectDrift(
      input({
        keyCredentials: [
          { ...key("k-in-use", base64(IN_USE)), endDateTime: null },
          { ...key("k-stranger", base64(STRANGER)), endDateTime: null },
        ],
      }),
    );
    expect(found).toMatchObject([{ code: "ORPHANED_KEYS", keyIds: ["k-stranger"] }]);
  });

  it("reports a single orphaned key in the singular", () => {
    const found = detectDrift(
      input({ keyCredentials: [key("k-in-use", base64(IN_USE)), key("k-stranger", base64(STRANGER))] }),
    );
    expect(found).toEqual([
      {
        code: "ORPHANED_KEYS",
        severity: "warning",
        thumbprintSha1: null,
        keyIds: ["k-stranger"],
        message: `1 certificate registered on app registration ${APP} matches no certificate the app knows of: certificate 'CN=k-stranger' (keyId k-stranger, SHA-1 ${STRANGER}). Whoever holds its private key can get tokens as the app. If nothing else signs with it, remove it from the app registration.`,
      },
    ]);
  });

  it("reports a key whose thumbprint cannot be read as orphaned, described by its identifier", () => {
    const found = detectDrift(
      input({
        inUse: null,
        keyCredentials: [{ ...key("k-label", "hand-made"), displayName: null }],
      }),
    );
    expect(found).toEqual([
      {
        code: "ORPHANED_KEYS",
        severity: "warning",
        thumbprintSha1: null,
        keyIds: ["k-label"],
        message: `1 certificate registered on app registration ${APP} matches no certificate the app knows of: certificate (keyId k-label, identifier "hand-made"). Whoever holds its private key can get tokens as the app. If nothing else signs with it, remove it from the app registration.`,
      },
    ]);
  });

  it("never takes a key whose thumbprint cannot be read for a certificate in use whose thumbprint cannot be read", () => {
    const found = detectDrift(
      input({
        inUse: { name: "app-cert", thumbprintSha1: "app-cert-v1", notAfter: null },
        keyCredentials: [key("k-label", "hand-made"), key("k-old-label", "old-hand-made", -DAY)],
      }),
    );
    expect(found).toEqual([
      {
        code: "NOT_REGISTERED",
        severity: "critical",
        thumbprintSha1: null,
        keyIds: [],
        message: `Certificate 'app-cert' (SHA-1 app-cert-v1) is not registered on app registration ${APP}: Entra ID will refuse its assertions with AADSTS700027. Upload its public key to the app registration (Certificates & secrets > Upload certificate), or let the rotation register it with addKey while another registered certificate is still valid.`,
      },
      {
        code: "REGISTERED_EXPIRED",
        severity: "warning",
        thumbprintSha1: null,
        keyIds: ["k-old-label"],
        message: `The registered certificate 'CN=k-old-label' (keyId k-old-label, identifier "old-hand-made") on app registration ${APP} expired at ${iso(-DAY)} and can no longer be used. Remove it from the app registration (removeKey, or Certificates & secrets > Delete) to keep the list honest.`,
      },
      expect.objectContaining({ code: "ORPHANED_KEYS", keyIds: ["k-label"] }),
    ]);
  });

  it("reports an expired key as a warning when the app uses no certificate", () => {
    const found = detectDrift(input({ inUse: null, keyCredentials: [key("k-old", base64(STRANGER), -DAY)] }));
    expect(found).toMatchObject([{ code: "REGISTERED_EXPIRED", severity: "warning", keyIds: ["k-old"] }]);
    expect(found[0]!.message).toMatch(/^The registered certificate 'CN=k-old' /);
  });

  it("checks no certificate when the app uses none, but still reports orphaned keys", () => {
    const found = detectDrift(input({ inUse: null, keyCredentials: [key("k-1", base64(STRANGER))] }));
    expect(found.map((f) => f.code)).toEqual(["ORPHANED_KEYS"]);
  });

  it.each([
    ["31 days left", 31 * DAY, []],
    ["exactly 30 days left", 30 * DAY, [["SECRET_EXPIRING", "warning"]]],
    ["exactly 7 days left", 7 * DAY, [["SECRET_EXPIRING", "critical"]]],
    ["1 ms left", 1, [["SECRET_EXPIRING", "critical"]]],
    ["expired now", 0, [["SECRET_EXPIRED", "warning"]]],
  ])("classifies a client secret with %s like a certificate", (_name, endInMs, expected) => {
    const found = detectDrift(input({ passwordCredentials: [secret("s-1", endInMs)] }));
    expect(found.map((f) => [f.code, f.severity])).toEqual(expected);
  });

  it("says when a secret expires and what to do", () => {
    const [expiring] = detectDrift(input({ passwordCredentials: [secret("s-1", 14 * DAY)] }));
    expect(expiring).toEqual({
      code: "SECRET_EXPIRING",
      severity: "warning",
      thumbprintSha1: null,
      keyIds: ["s-1"],
      message: `Client secret 'legacy' (keyId s-1, hint abc) on app registration ${APP} expires at ${iso(14 * DAY)} (14 days left). Create a new secret, move whatever uses this one to it (or to a certificate), then remove this one.`,
    });
    const [expired] = detectDrift(input({ passwordCredentials: [secret("s-2", -DAY)] }));
    expect(expired).toEqual({
      code: "SECRET_EXPIRED",
      severity: "warning",
      thumbprintSha1: null,
      keyIds: ["s-2"],
      message: `Client secret 'legacy' (keyId s-2, hint abc) on app registration ${APP} expired at ${iso(-DAY)}. Remove it; whatever still uses it gets AADSTS7000222 and needs a new credential — preferably a certificate in Key Vault, which this app renews and rotates.`,
    });
  });

  it.each([
    ["1 day", 1, "1 day left"],
    ["a part day", DAY - 1, "1 day left"],
    ["2 days", 2 * DAY, "2 days left"],
  ])("counts %s left in words", (_name, endInMs, words) => {
    const [found] = detectDrift(input({ passwordCredentials: [secret("s-1", endInMs)] }));
    expect(found!.message).toContain(`expires at ${iso(endInMs)} (${words}). `);
  });

  it.each([
    ["a name and a hint", "legacy", "abc", "'legacy' (keyId s-1, hint abc)"],
    ["a name only", "legacy", null, "'legacy' (keyId s-1)"],
    ["a hint only", null, "abc", "(keyId s-1, hint abc)"],
    ["neither", null, null, "(keyId s-1)"],
  ])("names a client secret with %s", (_name, displayName, hint, described) => {
    const [found] = detectDrift(
      input({ passwordCredentials: [{ ...secret("s-1", -DAY), displayName, hint }] }),
    );
    expect(found!.message).toBe(
      `Client secret ${described} on app registration ${APP} expired at ${iso(-DAY)}. Remove it; whatever still uses it gets AADSTS7000222 and needs a new credential — preferably a certificate in Key Vault, which this app renews and rotates.`,
    );
  });

  it("does not report a client secret without an end date", () => {
    const found = detectDrift(
      input({ passwordCredentials: [{ ...secret("s-1", -DAY), endDateTime: null }] }),
    );
    expect(found).toEqual([]);
  });

  it("classifies a client secret without a start date by its end alone", () => {
    const found = detectDrift(
      input({ passwordCredentials: [{ ...secret("s-1", DAY), startDateTime: null }] }),
    );
    expect(found).toMatchObject([{ code: "SECRET_EXPIRING", severity: "critical", keyIds: ["s-1"] }]);
  });
});

function named(thumbprintSha1: string) {
  return { name: `cert-${thumbprintSha1.slice(0, 4)}`, thumbprintSha1, notAfter: null };
}
