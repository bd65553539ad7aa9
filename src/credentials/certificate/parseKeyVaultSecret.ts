import { CredentialError } from "../../errors.js";
import type { CertificateCredential } from "./CertificateCredential.js";
import { parseCertificateMaterial } from "./parseCertificateMaterial.js";

/**
 * Reads a Key Vault certificate's secret: `application/x-pem-file` (key + chain PEM) or
 * `application/x-pkcs12` (base64 PFX, empty password). Without a content type, the value is sniffed.
 */
export function parseKeyVaultSecret(
  secret: { value: string; contentType: string | null },
  source: string,
): CertificateCredential {
  const contentType =
    secret.contentType?.trim().toLowerCase() ||
    (secret.value.includes("-----BEGIN ") ? "application/x-pem-file" : "application/x-pkcs12");
  if (contentType === "application/x-pem-file") {
    return parseCertificateMaterial({ kind: "pem", text: secret.value }, source);
  }
  if (contentType === "application/x-pkcs12") {
    const base64 = secret.value.replace(/\s/g, "");
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) {
      throw new CredentialError(
        "CERTIFICATE_UNREADABLE",
        `${source}: the secret is marked application/x-pkcs12 but is not base64. Re-import the certificate into Key Vault.`,
      );
    }
    return parseCertificateMaterial({ kind: "pkcs12", der: Buffer.from(base64, "base64") }, source);
  }
  throw new CredentialError(
    "CERTIFICATE_UNREADABLE",
    `${source}: the secret's content type is '${secret.contentType}', expected application/x-pem-file or application/x-pkcs12. Is M2M_KEYVAULT_CERTIFICATE_NAME the name of a certificate (not of a plain secret)?`,
  );
}
