import { describe, expect, it } from "vitest";
import type { CertificateInventoryItem } from "../../src/certificates/CertificateInventoryItem.js";
import {
  certificateExpiryWording,
  certificateFacts,
  certificateRenewedWording,
  type CertificateExpiry,
  type RenewalStatus,
} from "../../src/certificates/certificateAlertWording.js";

const APP = "11111111-2222-4333-8444-555555555555";
const VAULT = "https://kv-m2m.vault.azure.net";
const NOT_AFTER = "2026-12-01T00:00:00.000Z";

function item(overrides: Partial<CertificateInventoryItem> = {}): CertificateInventoryItem {
  return {
    name: "tls",
    vaultUrl: VAULT,
    version: "v1",
    enabled: true,
    state: "warning",
    daysLeft: 10,
    step: 14,
    notBefore: null,
    notAfter: NOT_AFTER,
    issuer: null,
    thumbprints: { sha1: "AA".repeat(20), sha256: null },
    tags: {},
    inUse: false,
    managed: false,
    policyIssuer: null,
    registration: "unknown",
    drift: [],
    ...overrides,
  };
}

function expiry(overrides: Partial<CertificateExpiry> = {}): CertificateExpiry {
  return {
    item: item(),
    notAfter: NOT_AFTER,
    expired: false,
    renewal: null,
    addKey: null,
    appId: APP,
    renewBeforeDays: 30,
    ...overrides,
  };
}

describe("certificateExpiryWording", () => {
  it.each([
    [false, 30, "Certificate 'tls' expires in 30 days"],
    [false, 1, "Certificate 'tls' expires in 1 day"],
    [true, 0, "Certificate 'tls' has expired"],
    [true, -1, "Certificate 'tls' expired 1 day ago"],
    [true, -3, "Certificate 'tls' expired 3 days ago"],
  ])("titles an alert (expired %s, %i days left) as %j", (expired, daysLeft, title) => {
    expect(certificateExpiryWording(expiry({ item: item({ daysLeft }), expired })).title).toBe(title);
  });

  it("says when the certificate expires, that the app signs with it, and how a person renews it in its vault", () => {
    const { text } = certificateExpiryWording(expiry({ item: item({ inUse: true }) }));
    expect(text).toBe(
      `'tls' in ${VAULT} expires on ${NOT_AFTER}. The app signs its token requests with it. ` +
        `Renew it: create a new version with its policy (az keyvault certificate create --vault-name kv-m2m --name tls --policy "$(az keyvault certificate show --vault-name kv-m2m --name tls --query policy)"), ` +
        "or for a CA Key Vault is not integrated with, merge the CA-signed CSR (az keyvault certificate pending merge). " +
        "This alert resolves when a version with a later expiry exists.",
    );
  });

  it("asks a person to register the new version too when the certificate is registered, in the past tense once expired", () => {
    const { text } = certificateExpiryWording(
      expiry({ item: item({ registration: "registered", daysLeft: 0 }), expired: true }),
    );
    expect(text).toContain(`'tls' in ${VAULT} expired on ${NOT_AFTER}. Renew it:`);
    expect(text).not.toContain("The app signs");
    expect(text).toContain(
      "It is registered on the app registration: register the new version there too. This alert resolves",
    );
  });

  it.each<[RenewalStatus, string]>([
    [
      { kind: "manual" },
      "Key Vault cannot renew its issuer itself: a person must merge a signed CSR (the renewal alert says how).",
    ],
    [
      { kind: "failed", resumeStep: "verifying", lastError: "AADSTS700027" },
      "The app's renewal failed at step 'verifying' (AADSTS700027); it tries again on every check.",
    ],
    [
      { kind: "failed", resumeStep: null, lastError: null },
      "The app's renewal failed at step 'renewing' (no detail); it tries again on every check.",
    ],
    [
      { kind: "rotating", step: "switched" },
      "The app is renewing it (step 'switched'); the renewal alerts follow its progress.",
    ],
    [
      { kind: "starting" },
      "It is due for renewal (M2M_CERT_RENEW_BEFORE_DAYS=30): the app is renewing it and rotating the app registration's key now; the renewal alerts follow.",
    ],
    [
      { kind: "not-run", error: "Graph unreachable" },
      "The app's renewal could not run: Graph unreachable. It tries again on every check.",
    ],
    [
      { kind: "scheduled", due: "2026-11-01T00:00:00.000Z" },
      "The app renews it and rotates the app registration's key 30 days before expiry (from 2026-11-01T00:00:00.000Z, M2M_CERT_RENEW_BEFORE_DAYS); nothing to do unless that fails.",
    ],
    [
      { kind: "overdue" },
      "It is due for renewal (M2M_CERT_RENEW_BEFORE_DAYS=30) but no renewal is under way: check M2M_ROTATION_DRY_RUN and the app's logs, or renew now with POST /api/certificates/tls/renew.",
    ],
  ])("tells how the app's renewal stands (%j)", (renewal, advice) => {
    expect(certificateExpiryWording(expiry({ renewal })).text).toBe(
      `'tls' in ${VAULT} expires on ${NOT_AFTER}. ${advice}`,
    );
  });

  it("warns that addKey is about to become impossible, and says what to do once it has", () => {
    const until = "2026-11-25T00:00:00.000Z";
    const ending = certificateExpiryWording(
      expiry({ renewal: { kind: "overdue" }, addKey: { registeredUntil: until, lost: false } }),
    ).text;
    expect(ending).toMatch(/renew now with POST \/api\/certificates\/tls\/renew\. Renew before /);
    expect(
      ending.endsWith(
        `Renew before ${until}: once the last certificate registered on the app registration expires, the app cannot add a key itself (Graph's addKey needs a proof signed by a currently valid registered certificate) and a person must upload the next certificate in the Azure portal.`,
      ),
    ).toBe(true);

    const lost = certificateExpiryWording(expiry({ addKey: { registeredUntil: until, lost: true } })).text;
    expect(lost).toContain(
      `Every certificate registered on the app registration has expired (the last on ${until}): the app can no longer add a key itself`,
    );
    expect(lost).toContain(`az ad app credential reset --id ${APP} --cert @<file>.pem --append`);
    expect(lost).not.toContain("Renew before");
  });
});

describe("certificateRenewedWording", () => {
  it("tells the new expiry, and that the latest version is disabled when it is", () => {
    expect(certificateRenewedWording(item({ state: "valid", daysLeft: 90 }))).toEqual({
      title: "Certificate 'tls' renewed",
      text: `'tls' in ${VAULT} now expires on ${NOT_AFTER} (90 days left).`,
    });
    expect(certificateRenewedWording(item({ state: "disabled", daysLeft: 90 })).text).toBe(
      `'tls' in ${VAULT} now expires on ${NOT_AFTER} (90 days left). Its latest version is disabled.`,
    );
  });

  it("tells the state when the certificate has no expiry", () => {
    expect(certificateRenewedWording(item({ notAfter: null, state: "unknown" })).text).toBe(
      `'tls' in ${VAULT} no longer needs attention (state: unknown).`,
    );
  });
});

describe("certificateFacts", () => {
  it("lists what is known, in order, with the renewal and the rotation step of a managed certificate", () => {
    expect(certificateFacts(item({ managed: true, inUse: true }), 21, "verifying")).toEqual([
      { name: "Certificate", value: "tls" },
      { name: "Vault", value: VAULT },
      { name: "Version", value: "v1" },
      { name: "Expires", value: NOT_AFTER },
      { name: "Days left", value: "10" },
      { name: "State", value: "warning" },
      { name: "SHA-1 thumbprint", value: "AA".repeat(20) },
      { name: "In use by the app", value: "yes" },
      { name: "App registration", value: "unknown" },
      { name: "Renewal", value: "automatic, 21 days before expiry" },
      { name: "Rotation step", value: "verifying" },
    ]);
  });

  it("leaves out what is not known", () => {
    const facts = certificateFacts(
      item({ version: null, notAfter: null, daysLeft: null, thumbprints: { sha1: null, sha256: null } }),
      30,
      null,
    );
    expect(facts.map((f) => f.name)).toEqual([
      "Certificate",
      "Vault",
      "State",
      "In use by the app",
      "App registration",
      "Renewal",
    ]);
    expect(facts.find((f) => f.name === "Renewal")?.value).toBe("not managed by this app");
    expect(facts.find((f) => f.name === "In use by the app")?.value).toBe("no");
  });
});
