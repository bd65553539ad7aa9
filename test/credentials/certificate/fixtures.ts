import { execFileSync } from "node:child_process";
import { createPrivateKey, webcrypto } from "node:crypto";
import { issueCertificate, type IssuedCertificate } from "../../../dev/pki/issueCertificate.js";
import { toPem } from "../../../dev/pki/pem.js";
import { x509 } from "../../../dev/pki/x509.js";
import { CredentialError } from "../../../src/errors.js";

/** Keys and certificates for the certificate tests, generated once per test file. */
export interface CertificateFixtures {
  root: IssuedCertificate;
  intermediate: IssuedCertificate;
  /** The app's certificate, issued by `intermediate`. */
  leaf: IssuedCertificate;
  /** A self-signed certificate with its own key, unrelated to the chain above. */
  other: IssuedCertificate;
}

let fixtures: Promise<CertificateFixtures> | undefined;

export function certificateFixtures(): Promise<CertificateFixtures> {
  fixtures ??= (async () => {
    const root = await issueCertificate({ subject: "CN=m2m test root", isCa: true, validDays: 3650 });
    const intermediate = await issueCertificate({
      subject: "CN=m2m test intermediate",
      isCa: true,
      issuer: root,
    });
    const leaf = await issueCertificate({
      subject: "CN=m2m-client, O=Contoso",
      issuer: intermediate,
      notBefore: new Date("2025-01-01T00:00:00.000Z"),
      notAfter: new Date("2035-01-01T00:00:00.000Z"),
    });
    const other = await issueCertificate({ subject: "CN=someone else" });
    return { root, intermediate, leaf, other };
  })();
  return fixtures;
}

/** A self-signed ECDSA P-256 certificate and its PKCS#8 key (issueCertificate makes RSA only). */
export async function issueEcCertificate(
  subject = "CN=m2m ec",
): Promise<{ certPem: string; keyPem: string }> {
  const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    keys,
    signingAlgorithm: algorithm,
  });
  return {
    certPem: toPem("CERTIFICATE", cert.rawData),
    keyPem: toPem("PRIVATE KEY", await webcrypto.subtle.exportKey("pkcs8", keys.privateKey)),
  };
}

/** The same key as PKCS#1 ("RSA PRIVATE KEY"). */
export function toPkcs1(keyPem: string): string {
  return createPrivateKey(keyPem).export({ type: "pkcs1", format: "pem" }).toString();
}

/** The same key as encrypted PKCS#8 ("ENCRYPTED PRIVATE KEY", AES-256-CBC). */
export function toEncryptedPkcs8(keyPem: string, passphrase: string): string {
  return createPrivateKey(keyPem)
    .export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase })
    .toString();
}

/** Base64 body of a PEM, without armour or line breaks: what must never appear in a message. */
export function pemBody(pem: string): string {
  return pem.replace(/-----[A-Z ]+-----|\s/g, "");
}

/** Runs `fn`, expects a CredentialError and returns it. */
export function credentialErrorOf(fn: () => unknown): CredentialError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CredentialError) return error;
    throw error;
  }
  throw new Error("expected a CredentialError, but nothing was thrown");
}

/** Awaits `fn`, expects it to reject with a CredentialError and returns it. */
export async function credentialRejectionOf(fn: () => Promise<unknown>): Promise<CredentialError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof CredentialError) return error;
    throw error;
  }
  throw new Error("expected a CredentialError, but the promise resolved");
}

/** The openssl CLI's version line, or null when it is not installed (tests that need it say so). */
export function opensslVersion(): string | null {
  try {
    return execFileSync("openssl", ["version"], { encoding: "utf8" }).trim();
  } catch {
    return null;
  }
}
