import { toPem } from "../../../dev/pki/pem.js";
import { beforeAll, describe, expect, it } from "vitest";
import { issueCertificate } from "../../../dev/pki/issueCertificate.js";
import type { CertificateCredential } from "../../../src/credentials/certificate/CertificateCredential.js";
import { checkCertificateCredential } from "../../../src/credentials/certificate/checkCertificateCredential.js";
import { parseCertificateMaterial } from "../../../src/credentials/certificate/parseCertificateMaterial.js";
import {
  certificateFixtures,
  credentialErrorOf,
  issueEcCertificate,
  toEncryptedPkcs8,
  toPkcs1,
  type CertificateFixtures,
} from "./fixtures.js";

const source = "Key Vault certificate 'app-cert' version 3f2a9c in https://kv-m2m.vault.azure.net";
const DAY_MS = 86_400_000;
const notBefore = new Date("2025-01-01T00:00:00.000Z");
const notAfter = new Date("2035-01-01T00:00:00.000Z");
let f: CertificateFixtures;
let credential: CertificateCredential;

beforeAll(async () => {
  f = await certificateFixtures();
  credential = await parseCertificateMaterial(
    { kind: "pem", text: f.leaf.keyPem + f.leaf.certPem + f.intermediate.certPem },
    source,
  );
});

const at = (base: Date, offsetMs: number) => new Date(base.getTime() + offsetMs);

describe("checkCertificateCredential", () => {
  it("accepts an RSA 2048 certificate with its key inside its validity period", () => {
    expect(() => checkCertificateCredential(credential, new Date("2030-06-01T00:00:00.000Z"))).not.toThrow();
  });

  it.each([
    ["1 ms before notBefore", notBefore, -1, "CERTIFICATE_NOT_YET_VALID"],
    ["exactly at notBefore", notBefore, 0, null],
    ["1 ms after notBefore", notBefore, 1, null],
    ["1 ms before notAfter", notAfter, -1, null],
    ["exactly at notAfter", notAfter, 0, "CERTIFICATE_EXPIRED"],
    ["1 ms after notAfter", notAfter, 1, "CERTIFICATE_EXPIRED"],
  ])("%s: %s", (_, base, offsetMs, code) => {
    const now = at(base, offsetMs);

    if (code === null) expect(() => checkCertificateCredential(credential, now)).not.toThrow();
    else expect(credentialErrorOf(() => checkCertificateCredential(credential, now)).code).toBe(code);
  });

  it.each([
    [0, "less than a day ago"],
    [DAY_MS - 1, "less than a day ago"],
    [DAY_MS, "1 day ago"],
    [3 * DAY_MS + 5_000, "3 days ago"],
  ])("CERTIFICATE_EXPIRED %d ms after notAfter says when and how long ago (%s)", (offsetMs, ago) => {
    const error = credentialErrorOf(() => checkCertificateCredential(credential, at(notAfter, offsetMs)));

    expect(error.message).toBe(
      `${source} expired on 2035-01-01T00:00:00.000Z (${ago}). Renew it in Key Vault and register the new ` +
        `certificate on the app registration.`,
    );
  });

  it("CERTIFICATE_NOT_YET_VALID says from when, and the time it was checked at", () => {
    const now = at(notBefore, -2 * DAY_MS - 1);

    const error = credentialErrorOf(() => checkCertificateCredential(credential, now));

    expect(error.code).toBe("CERTIFICATE_NOT_YET_VALID");
    expect(error.message).toBe(
      `${source} is not valid before 2025-01-01T00:00:00.000Z (in 2 days; now 2024-12-29T23:59:59.999Z). Wait ` +
        `until then, check the machine's clock, or use the previous version.`,
    );
  });

  it("CERTIFICATE_KEY_TOO_SMALL for an RSA key below 2048 bits", async () => {
    const small = await issueCertificate({ subject: "CN=small", keyBits: 1024 });
    const smallCredential = await parseCertificateMaterial(
      { kind: "pem", text: small.keyPem + small.certPem },
      source,
    );

    const error = credentialErrorOf(() => checkCertificateCredential(smallCredential, new Date()));

    expect(error.code).toBe("CERTIFICATE_KEY_TOO_SMALL");
    expect(error.message).toBe(
      `${source} has a 1024-bit RSA key; Entra ID requires at least 2048 bits. Create a new certificate with a ` +
        `2048-bit (or larger) key.`,
    );
  });

  it("CERTIFICATE_KEY_NOT_RSA for an EC key", async () => {
    const ec = await issueEcCertificate();

    const error = credentialErrorOf(() =>
      checkCertificateCredential(
        { ...credential, privateKeyPem: ec.keyPem, chainPems: [ec.certPem] },
        new Date(),
      ),
    );

    expect(error.code).toBe("CERTIFICATE_KEY_NOT_RSA");
    expect(error.message).toBe(
      `${source} has a EC P-256 key; Entra ID accepts only RSA keys for certificate credentials (client ` +
        `assertions are signed RS256/PS256). Create the certificate with an RSA key (Key Vault policy: keyType ` +
        `"RSA", keySize 2048 or more) and register it on the app registration.`,
    );
  });

  it("CERTIFICATE_KEY_MISMATCH when the first certificate is not the key's", () => {
    const error = credentialErrorOf(() =>
      checkCertificateCredential({ ...credential, chainPems: [f.other.certPem] }, new Date("2030-01-01")),
    );

    expect(error.code).toBe("CERTIFICATE_KEY_MISMATCH");
    expect(error.message).toBe(
      `${source}: the private key does not belong to the first certificate of the chain, "CN=m2m-client, ` +
        `O=Contoso" (SHA-1 thumbprint ${f.leaf.thumbprintSha1}). Expected the certificate issued for this key ` +
        `first: build the credential with parseCertificateMaterial.`,
    );
  });

  it("CERTIFICATE_NO_PRIVATE_KEY when the key is missing", () => {
    const error = credentialErrorOf(() =>
      checkCertificateCredential({ ...credential, privateKeyPem: "" }, new Date()),
    );

    expect(error.code).toBe("CERTIFICATE_NO_PRIVATE_KEY");
    expect(error.message).toBe(
      `${source} has certificate "CN=m2m-client, O=Contoso" (SHA-1 thumbprint ${f.leaf.thumbprintSha1}) but no ` +
        `private key. In Key Vault, set "exportable": true in the certificate policy and create a new version.`,
    );
  });

  it("CERTIFICATE_NO_CERTIFICATE when the chain is empty", () => {
    const error = credentialErrorOf(() =>
      checkCertificateCredential({ ...credential, chainPems: [] }, new Date()),
    );

    expect(error.code).toBe("CERTIFICATE_NO_CERTIFICATE");
    expect(error.message).toBe(
      `${source} has a private key but no certificate. Expected the key together with its certificate.`,
    );
  });

  it.each([
    ["with \\r\\n line ends", () => credential.privateKeyPem.replace(/\n/g, "\r\n")],
    ["as PKCS#1", () => toPkcs1(f.leaf.keyPem)],
    ["encrypted", () => toEncryptedPkcs8(f.leaf.keyPem, "s3cret")],
    ["with bag attributes", () => `Bag Attributes\n    localKeyID: 01 00 00 00\n${credential.privateKeyPem}`],
  ])("CERTIFICATE_UNREADABLE for a key %s, which MSAL cannot take", (_, privateKeyPem) => {
    const error = credentialErrorOf(() =>
      checkCertificateCredential({ ...credential, privateKeyPem: privateKeyPem() }, new Date("2030-01-01")),
    );

    expect(error.code).toBe("CERTIFICATE_UNREADABLE");
    expect(error.message).toBe(
      `${source}: the private key is not an unencrypted PKCS#8 PEM with "\\n" line ends, which MSAL needs. ` +
        `Build the credential with parseCertificateMaterial, which normalises the key.`,
    );
  });

  it("CERTIFICATE_UNREADABLE for a PKCS#8 PEM that does not parse", () => {
    const error = credentialErrorOf(() =>
      checkCertificateCredential(
        { ...credential, privateKeyPem: toPem("PRIVATE KEY", Buffer.from([0, 0, 0])) },
        new Date("2030-01-01"),
      ),
    );

    expect(error.code).toBe("CERTIFICATE_UNREADABLE");
    expect(error.message).toContain(`${source}: the private key does not parse, which MSAL needs.`);
  });

  it("CERTIFICATE_UNREADABLE for a first certificate that does not parse", () => {
    const error = credentialErrorOf(() =>
      checkCertificateCredential({ ...credential, chainPems: ["not a certificate"] }, new Date("2030-01-01")),
    );

    expect(error.code).toBe("CERTIFICATE_UNREADABLE");
    expect(error.message).toContain(`${source}: the first certificate of the chain does not parse (`);
  });

  it("depends only on its arguments: the same credential and time give the same answer", () => {
    const snapshot = structuredClone(credential);
    const now = at(notAfter, 1);

    const first = credentialErrorOf(() => checkCertificateCredential(credential, now));
    const second = credentialErrorOf(() => checkCertificateCredential(credential, now));

    expect(second.message).toBe(first.message);
    expect(credential).toEqual(snapshot);
  });
});
