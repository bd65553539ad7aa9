import { describe, expect, it } from "vitest";
import type { AppCredentialItem } from "../../src/certificates/CertificateInventoryItem.js";
import {
  credentialExpiryWording,
  credentialFacts,
  credentialResolvedWording,
  describeCredential,
} from "../../src/certificates/credentialAlertWording.js";

const APP = "11111111-2222-4333-8444-555555555555";
const END = "2026-11-27T10:00:00.000Z";
const SHA1 = "EE".repeat(20);

const credential = (overrides: Partial<AppCredentialItem> = {}): AppCredentialItem => ({
  keyId: "k1",
  kind: "secret",
  displayName: "legacy",
  thumbprintSha1: null,
  inKeyVault: false,
  startDateTime: null,
  endDateTime: END,
  state: "critical",
  daysLeft: 6,
  step: 7,
  ...overrides,
});

describe("describeCredential", () => {
  it.each<[Partial<AppCredentialItem>, string]>([
    [{}, "Client secret 'legacy' (keyId k1)"],
    [{ displayName: null }, "Client secret (keyId k1)"],
    [{ kind: "certificate", thumbprintSha1: SHA1 }, `Certificate 'legacy' (keyId k1, SHA-1 ${SHA1})`],
    [{ kind: "certificate", displayName: null }, "Certificate (keyId k1)"],
  ])("names %j as %j", (overrides, name) => {
    expect(describeCredential(credential(overrides))).toBe(name);
  });
});

describe("credentialExpiryWording", () => {
  it("tells a secret's end and how to replace it", () => {
    expect(
      credentialExpiryWording({ credential: credential(), endDateTime: END, expired: false, appId: APP }),
    ).toEqual({
      title: "Client secret 'legacy' (keyId k1) on the app registration expires in 6 days",
      text: `Client secret 'legacy' (keyId k1) on app registration ${APP} expires on ${END}. Create a new secret, move whatever uses this one to it (better: to a certificate in Key Vault, which this app renews and rotates), then remove this one.`,
    });
  });

  it("counts a single day in the singular", () => {
    const wording = credentialExpiryWording({
      credential: credential({ daysLeft: 1 }),
      endDateTime: END,
      expired: false,
      appId: APP,
    });
    expect(wording.title).toBe("Client secret 'legacy' (keyId k1) on the app registration expires in 1 day");
  });

  it("tells what an expired certificate breaks, and that nothing renews one uploaded outside Key Vault", () => {
    const wording = credentialExpiryWording({
      credential: credential({ kind: "certificate", displayName: null, state: "expired", daysLeft: -2 }),
      endDateTime: END,
      expired: true,
      appId: APP,
    });
    expect(wording).toEqual({
      title: "Certificate (keyId k1) on the app registration has expired",
      text: `Certificate (keyId k1) on app registration ${APP} expired on ${END}. Whatever still uses it gets AADSTS7000222 (secret) or AADSTS700027 (certificate). It was uploaded outside Key Vault, so nothing renews it: upload its successor (or move the app that uses it to a Key Vault certificate), then remove this one.`,
    });
  });
});

describe("credentialResolvedWording", () => {
  it("tells the credential's end now, or that it is unknown", () => {
    expect(credentialResolvedWording(credential())).toEqual({
      title: "Client secret 'legacy' (keyId k1) no longer expiring",
      text: `Client secret 'legacy' (keyId k1) ends on ${END} now.`,
    });
    expect(credentialResolvedWording(credential({ endDateTime: null })).text).toBe(
      "Client secret 'legacy' (keyId k1) ends on an unknown date now.",
    );
  });
});

describe("credentialFacts", () => {
  it("lists the app registration, the kind of credential and its end", () => {
    expect(credentialFacts(credential(), APP)).toEqual([
      { name: "App registration", value: APP },
      { name: "Credential", value: "client secret" },
      { name: "Key id", value: "k1" },
      { name: "Ends", value: END },
      { name: "Days left", value: "6" },
    ]);
  });

  it("leaves out an end that is not known", () => {
    expect(
      credentialFacts(credential({ kind: "certificate", endDateTime: null, daysLeft: null }), APP),
    ).toEqual([
      { name: "App registration", value: APP },
      { name: "Credential", value: "certificate (not in Key Vault)" },
      { name: "Key id", value: "k1" },
    ]);
  });
});
