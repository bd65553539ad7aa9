import type { PublicCertificate } from "./PublicCertificate.js";

/**
 * A certificate credential in the form MSAL Node needs it: leaf first, key as plain PKCS#8, already read
 * and checked. Built by `parseCertificateMaterial` / `parseKeyVaultSecret`; checked by
 * `checkCertificateCredential`.
 */
export interface CertificateCredential extends PublicCertificate {
  /** Unencrypted PKCS#8 PEM, "\n" line ends, no bag attributes. Never logged. */
  privateKeyPem: string;
}
