import type { CertificateCredential } from "./CertificateCredential.js";
import { certificateError } from "./certificateError.js";
import type { CertificateMaterial } from "./CertificateMaterial.js";
import { parseCertificateMaterial } from "./parseCertificateMaterial.js";

/** A Key Vault secret that backs a certificate, as the secrets API returns it. */
export interface KeyVaultCertificateSecret {
  value: string;
  /** `application/x-pem-file`, `application/x-pkcs12`, or missing (then the value is sniffed). */
  contentType: string | null | undefined;
}

const PEM = "application/x-pem-file";
const PKCS12 = "application/x-pkcs12";
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Reads the secret behind a Key Vault certificate (key + chain) into a credential. PEM secrets hold key
 * and chain in one text; PKCS#12 secrets are base64 PFX with an empty password. A missing content type
 * (a secret set by hand) is sniffed: PEM armour, else base64 PKCS#12.
 *
 * Rejects with what `parseCertificateMaterial` rejects with, and CERTIFICATE_UNREADABLE for another content type or a
 * value that does not match its content type.
 */
export async function parseKeyVaultSecret(
  secret: KeyVaultCertificateSecret,
  source: string,
): Promise<CertificateCredential> {
  return parseCertificateMaterial(keyVaultSecretMaterial(secret, source), source);
}

/**
 * The material in a Key Vault certificate's secret: PEM text or PKCS#12 bytes, by its content type (sniffed when
 * missing). Throws CERTIFICATE_UNREADABLE for another content type or a value that does not match its content type.
 */
export function keyVaultSecretMaterial(
  secret: KeyVaultCertificateSecret,
  source: string,
): CertificateMaterial {
  const contentType = secret.contentType?.split(";")[0]?.trim().toLowerCase() || null;
  const looksPem = secret.value.includes("-----BEGIN ");
  if (contentType === PEM || (contentType === null && looksPem)) {
    if (!looksPem && decodeBase64(secret.value) !== null) {
      throw certificateError(
        "CERTIFICATE_UNREADABLE",
        `${source}: the secret's content type is ${PEM} but its value is base64, not PEM text (a PFX?). ` +
          `Set the secret's content type to ${PKCS12}, or store the PEM text.`,
      );
    }
    return { kind: "pem", text: secret.value };
  }
  if (contentType === PKCS12 || contentType === null) {
    const der = decodeBase64(secret.value);
    if (der === null) {
      throw certificateError(
        "CERTIFICATE_UNREADABLE",
        contentType === null
          ? `${source}: the secret has no content type and its value is neither PEM text nor base64 PKCS#12. ` +
              `Is M2M_KEYVAULT_CERTIFICATE_NAME the name of a certificate (not of a plain secret)?`
          : `${source}: the secret's content type is ${PKCS12} but its value is not base64. Expected the ` +
              `base64 of a PFX file: import the certificate into Key Vault again.`,
      );
    }
    return { kind: "pkcs12", der };
  }
  throw certificateError(
    "CERTIFICATE_UNREADABLE",
    `${source}: the secret's content type is '${secret.contentType}', expected ${PEM} or ${PKCS12}. Is ` +
      `M2M_KEYVAULT_CERTIFICATE_NAME the name of a certificate (not of a plain secret)?`,
  );
}

/** Strict base64 (whitespace allowed between characters), or null. Buffer.from alone skips bad characters. */
function decodeBase64(value: string): Buffer | null {
  const compact = value.replace(/\s+/g, "");
  if (!BASE64.test(compact) || compact.length % 4 !== 0) return null;
  return Buffer.from(compact, "base64");
}
