import { beforeAll, describe, expect, it } from "vitest";
import { issueCertificate, type IssuedCertificate } from "../../../dev/pki/issueCertificate.js";
import { toPfxBase64 } from "../../../dev/pki/toPfx.js";
import type { CertificateCredential } from "../../../src/credentials/certificate/CertificateCredential.js";
import { checkCertificateCredential } from "../../../src/credentials/certificate/checkCertificateCredential.js";
import { parseCertificateMaterial } from "../../../src/credentials/certificate/parseCertificateMaterial.js";
import { parseKeyVaultSecret } from "../../../src/credentials/certificate/parseKeyVaultSecret.js";
import type { CredentialError } from "../../../src/errors.js";
import {
  certificateFixtures,
  credentialRejectionOf,
  issueEcCertificate,
  pemBody,
  toEncryptedPkcs8,
  toPkcs1,
  type CertificateFixtures,
} from "./fixtures.js";

const source = "certificate file /home/site/app.pem";
const WINDOW = 16;
let f: CertificateFixtures;
let small: IssuedCertificate;
let ec: { certPem: string; keyPem: string };
let credential: CertificateCredential;

beforeAll(async () => {
  f = await certificateFixtures();
  small = await issueCertificate({ subject: "CN=small", keyBits: 1024 });
  ec = await issueEcCertificate();
  credential = await parseCertificateMaterial({ kind: "pem", text: f.leaf.keyPem + f.leaf.certPem }, source);
});

/** Every 16-character run of every encoding of the keys in play: none may appear in a message. */
function keyWindows(): Set<string> {
  const rsaKeys = [f.leaf.keyPem, f.other.keyPem, small.keyPem];
  const encodings = [...rsaKeys, ...rsaKeys.map(toPkcs1), ec.keyPem];
  const windows = new Set<string>();
  for (const body of encodings.map(pemBody)) {
    for (let i = 0; i + WINDOW <= body.length; i++) windows.add(body.slice(i, i + WINDOW));
  }
  return windows;
}

function leakedKeyMaterial(text: string, windows: Set<string>): string | null {
  for (let i = 0; i + WINDOW <= text.length; i++) {
    if (windows.has(text.slice(i, i + WINDOW))) return text.slice(i, i + WINDOW);
  }
  return null;
}

const pem = (text: string, password?: string) => () =>
  parseCertificateMaterial({ kind: "pem", text, password }, source);
const pfx = (base64: string, password?: string) => () =>
  parseCertificateMaterial({ kind: "pkcs12", der: Buffer.from(base64, "base64"), password }, source);
const check =
  (changes: Partial<CertificateCredential>, now = new Date("2030-01-01")) =>
  () =>
    checkCertificateCredential({ ...credential, ...changes }, now);

describe("certificate error messages", () => {
  const scenarios: [string, () => () => unknown][] = [
    ["a key without a certificate", () => pem(f.leaf.keyPem)],
    ["a key that belongs to no certificate", () => pem(f.other.keyPem + f.leaf.certPem)],
    ["two keys", () => pem(f.leaf.keyPem + f.other.keyPem + f.leaf.certPem)],
    ["a PKCS#1 key without a certificate", () => pem(toPkcs1(f.leaf.keyPem))],
    [
      "an encrypted key without a password",
      () => pem(toEncryptedPkcs8(f.leaf.keyPem, "pw") + f.leaf.certPem),
    ],
    [
      "an encrypted key with a wrong password",
      () => pem(toEncryptedPkcs8(f.leaf.keyPem, "pw") + f.leaf.certPem, "x"),
    ],
    ["a key with damaged base64", () => pem(f.leaf.keyPem.replace(/\n(.)/, "\n*$1") + f.leaf.certPem)],
    ["a truncated key", () => pem(f.leaf.certPem + f.leaf.keyPem.slice(0, 900))],
    [
      "a key block holding a key of another kind",
      () => pem(toPkcs1(f.leaf.keyPem).replace(/RSA PRIVATE KEY/g, "EC PRIVATE KEY") + f.leaf.certPem),
    ],
    ["a PFX with a wrong password", () => pfx(toPfxBase64(f.leaf.keyPem, [f.leaf.certPem], "pw"), "x")],
    ["a PFX whose key is not the certificate's", () => pfx(toPfxBase64(f.other.keyPem, [f.leaf.certPem]))],
    ["a truncated PFX", () => pfx(toPfxBase64(f.leaf.keyPem, [f.leaf.certPem]).slice(0, 600))],
    [
      "a Key Vault PEM secret holding a PFX",
      () => () =>
        parseKeyVaultSecret(
          { value: toPfxBase64(f.leaf.keyPem, [f.leaf.certPem]), contentType: "application/x-pem-file" },
          source,
        ),
    ],
    ["an EC key", () => pem(ec.keyPem + ec.certPem)],
    [
      "a small RSA key",
      () => async () =>
        checkCertificateCredential(
          await parseCertificateMaterial({ kind: "pem", text: small.keyPem + small.certPem }, source),
          new Date(),
        ),
    ],
    [
      "a key with \\r\\n in a credential",
      () => check({ privateKeyPem: credential.privateKeyPem.replace(/\n/g, "\r\n") }),
    ],
    ["a PKCS#1 key in a credential", () => check({ privateKeyPem: toPkcs1(f.leaf.keyPem) })],
    ["a mismatched chain in a credential", () => check({ chainPems: [f.other.certPem] })],
    ["an expired credential", () => check({}, new Date("2040-01-01"))],
  ];

  it("are checked by a detector that does find a key fragment", () => {
    const windows = keyWindows();

    expect(leakedKeyMaterial(`oops: ${pemBody(f.leaf.keyPem).slice(700, 720)}`, windows)).not.toBeNull();
    expect(
      leakedKeyMaterial(`oops: ${pemBody(toPkcs1(small.keyPem)).slice(300, 320)}`, windows),
    ).not.toBeNull();
  });

  it.each(scenarios)("hold no key material: %s", async (_, scenario) => {
    const windows = keyWindows();
    // Parsing rejects, checking throws: both end up as the rejection.
    const error: CredentialError = await credentialRejectionOf(async () => await scenario()());
    const cause = error.cause instanceof Error ? error.cause.message : "";

    for (const text of [error.message, cause, String(error), JSON.stringify(error)]) {
      expect(leakedKeyMaterial(text, windows)).toBeNull();
    }
    expect(error.message).toContain(source);
  });
});
