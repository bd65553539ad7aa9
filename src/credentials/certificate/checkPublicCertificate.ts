import { X509Certificate } from "node:crypto";
import type { PublicCertificate } from "./PublicCertificate.js";
import { certificateError, keyNotRsaError } from "./certificateError.js";
import { describeKey } from "./describeKey.js";
import { checkKeySize, checkValidityWindow } from "./checkCertificateCredential.js";

/**
 * Checks that a certificate whose key stays in Key Vault can be used at `now`: a certificate that parses, an RSA key
 * of at least 2048 bits (what Entra ID takes), and `now` within its validity. Pure. Throws
 * CERTIFICATE_NO_CERTIFICATE, CERTIFICATE_UNREADABLE, CERTIFICATE_KEY_NOT_RSA, CERTIFICATE_KEY_TOO_SMALL,
 * CERTIFICATE_NOT_YET_VALID or CERTIFICATE_EXPIRED, as checkCertificateCredential does for a credential with its key.
 */
export function checkPublicCertificate(certificate: PublicCertificate, now: Date): void {
  const { source } = certificate;
  const leafPem = certificate.chainPems[0];
  if (leafPem === undefined) {
    throw certificateError("CERTIFICATE_NO_CERTIFICATE", `${source} has no certificate.`);
  }
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(leafPem);
  } catch (error) {
    throw certificateError(
      "CERTIFICATE_UNREADABLE",
      `${source}: the certificate does not parse (${(error as Error).message}).`,
      error,
    );
  }
  const { type, bits, label } = describeKey(leaf.publicKey);
  if (type !== "rsa") throw keyNotRsaError(source, label);
  checkKeySize(source, bits);
  checkValidityWindow(certificate, now);
}
