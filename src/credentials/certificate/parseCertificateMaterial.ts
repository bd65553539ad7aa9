import { assembleCertificateCredential } from "./assembleCertificateCredential.js";
import type { CertificateCredential } from "./CertificateCredential.js";
import type { CertificateMaterial } from "./CertificateMaterial.js";
import { readMaterialParts } from "./readMaterialParts.js";

/** Re-exported: the input type was first declared here. */
export type { CertificateMaterial } from "./CertificateMaterial.js";

/**
 * Reads PEM or PKCS#12 material into a credential MSAL can use: the leaf (the certificate whose public
 * key matches the private key) first, then its issuers in order; the key as unencrypted PKCS#8 PEM with
 * "\n" line ends and no bag attributes. `source` names the material in every error message.
 *
 * Rejects with CredentialError CERTIFICATE_UNREADABLE (also for PKCS#12 algorithms node-forge cannot read, with
 * the conversion to use), CERTIFICATE_PASSWORD_INVALID, CERTIFICATE_NO_PRIVATE_KEY, CERTIFICATE_NO_CERTIFICATE,
 * CERTIFICATE_KEY_NOT_RSA or CERTIFICATE_KEY_MISMATCH. Key size and validity dates are checked by
 * `checkCertificateCredential`. Asynchronous because PKCS#12 is read with node-forge, loaded on first use.
 */
export async function parseCertificateMaterial(
  input: CertificateMaterial,
  source: string,
): Promise<CertificateCredential> {
  return assembleCertificateCredential(await readMaterialParts(input, source), source);
}
