import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import type { CertificateCredential } from "./CertificateCredential.js";
import { certificateError, keyNotRsaError } from "./certificateError.js";
import { certificateLabel } from "./certificateFacts.js";
import { describeKey } from "./describeKey.js";
import { formatRelativeDays } from "./formatRelativeDays.js";

/** Entra ID rejects smaller RSA keys for certificate credentials. */
export const MIN_RSA_KEY_BITS = 2048;

const PKCS8_PEM = /^-{5}BEGIN PRIVATE KEY-{5}\n[A-Za-z0-9+/=\n]+-{5}END PRIVATE KEY-{5}\n?$/;

/**
 * Checks that a credential can be used at `now`. Pure: reads only its arguments. Throws a CredentialError:
 *
 * - CERTIFICATE_NO_PRIVATE_KEY / CERTIFICATE_NO_CERTIFICATE: a part is missing;
 * - CERTIFICATE_UNREADABLE: the key is not an unencrypted PKCS#8 PEM with "\n" line ends (what MSAL needs),
 *   or a PEM does not parse;
 * - CERTIFICATE_KEY_MISMATCH: the key does not belong to the first certificate;
 * - CERTIFICATE_KEY_NOT_RSA / CERTIFICATE_KEY_TOO_SMALL: Entra ID takes RSA keys of 2048 bits or more;
 * - CERTIFICATE_NOT_YET_VALID when `now` < notBefore; CERTIFICATE_EXPIRED when `now` >= notAfter (the
 *   same instant keyVaultCredentialProvider treats as expired).
 *
 * Parsing already guarantees the structural points; they are checked again so a credential built any
 * other way cannot reach MSAL unchecked.
 */
export function checkCertificateCredential(credential: CertificateCredential, now: Date): void {
  const { source } = credential;
  if (credential.privateKeyPem === "") {
    throw certificateError(
      "CERTIFICATE_NO_PRIVATE_KEY",
      `${source} has certificate ${certificateLabel(credential)} but no private key. In Key Vault, set ` +
        `"exportable": true in the certificate policy and create a new version.`,
    );
  }
  const leafPem = credential.chainPems[0];
  if (leafPem === undefined) {
    throw certificateError(
      "CERTIFICATE_NO_CERTIFICATE",
      `${source} has a private key but no certificate. Expected the key together with its certificate.`,
    );
  }
  const key = readKey(credential);
  const leaf = readLeaf(leafPem, source);
  const { type, bits, label } = describeKey(key);
  if (type !== "rsa") throw keyNotRsaError(source, label);
  if (!leaf.checkPrivateKey(key)) {
    throw certificateError(
      "CERTIFICATE_KEY_MISMATCH",
      `${source}: the private key does not belong to the first certificate of the chain, ` +
        `${certificateLabel(credential)}. Expected the certificate issued for this key first: build the ` +
        `credential with parseCertificateMaterial.`,
    );
  }
  checkKeySize(source, bits);
  checkValidityWindow(credential, now);
}

/** CERTIFICATE_KEY_TOO_SMALL below {@link MIN_RSA_KEY_BITS}: Entra ID takes nothing smaller. */
export function checkKeySize(source: string, bits: number): void {
  if (bits < MIN_RSA_KEY_BITS) {
    throw certificateError(
      "CERTIFICATE_KEY_TOO_SMALL",
      `${source} has a ${bits}-bit RSA key; Entra ID requires at least ${MIN_RSA_KEY_BITS} bits. Create a new ` +
        `certificate with a ${MIN_RSA_KEY_BITS}-bit (or larger) key.`,
    );
  }
}

/**
 * CERTIFICATE_NOT_YET_VALID when `now` < notBefore; CERTIFICATE_EXPIRED when `now` >= notAfter (the same instant
 * the credential providers treat as expired).
 */
export function checkValidityWindow(
  certificate: Pick<CertificateCredential, "source" | "notBefore" | "notAfter">,
  now: Date,
): void {
  const { source } = certificate;
  if (now.getTime() < certificate.notBefore.getTime()) {
    throw certificateError(
      "CERTIFICATE_NOT_YET_VALID",
      `${source} is not valid before ${certificate.notBefore.toISOString()} ` +
        `(${formatRelativeDays(certificate.notBefore, now)}; now ${now.toISOString()}). Wait until then, check ` +
        `the machine's clock, or use the previous version.`,
    );
  }
  if (now.getTime() >= certificate.notAfter.getTime()) {
    throw certificateError(
      "CERTIFICATE_EXPIRED",
      `${source} expired on ${certificate.notAfter.toISOString()} (${formatRelativeDays(certificate.notAfter, now)}). ` +
        `Renew it in Key Vault and register the new certificate on the app registration.`,
    );
  }
}

function readKey(credential: CertificateCredential): KeyObject {
  if (!PKCS8_PEM.test(credential.privateKeyPem)) {
    throw unreadableKey(credential.source, 'is not an unencrypted PKCS#8 PEM with "\\n" line ends');
  }
  try {
    return createPrivateKey(credential.privateKeyPem);
  } catch (error) {
    throw unreadableKey(credential.source, "does not parse", error);
  }
}

function unreadableKey(source: string, problem: string, cause?: unknown) {
  return certificateError(
    "CERTIFICATE_UNREADABLE",
    `${source}: the private key ${problem}, which MSAL needs. Build the credential with ` +
      `parseCertificateMaterial, which normalises the key.`,
    cause,
  );
}

function readLeaf(pem: string, source: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (error) {
    throw certificateError(
      "CERTIFICATE_UNREADABLE",
      `${source}: the first certificate of the chain does not parse (${(error as Error).message}). Build the ` +
        `credential with parseCertificateMaterial.`,
      error,
    );
  }
}
