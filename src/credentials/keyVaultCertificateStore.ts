import type { TokenCredential } from "@azure/identity";
import { CertificateClient } from "@azure/keyvault-certificates";
import { SecretClient } from "@azure/keyvault-secrets";
import { CredentialError } from "../errors.js";
import type { CertificateStore } from "./CertificateStore.js";
import { keyVaultCall } from "./keyVaultCall.js";
import { keyVaultClientOptions, type KeyVaultRetryOptions } from "./keyVaultClientOptions.js";
import { keyVaultError, type KeyVaultRefusal } from "./keyVaultError.js";

/**
 * The certificate store on Azure Key Vault through the official SDKs (clients built once, options per
 * keyVaultClientOptions). Each call runs within the caller's deadline (see keyVaultCall) and fails with a coded error
 * (see keyVaultError; not found, disabled and forbidden name the settings and roles to check).
 */
export function keyVaultCertificateStore(
  vaultUrl: string,
  credential: TokenCredential,
  options: { retryOptions?: KeyVaultRetryOptions } = {},
): CertificateStore {
  const clientOptions = keyVaultClientOptions(vaultUrl, options.retryOptions);
  const certificates = new CertificateClient(vaultUrl, credential, clientOptions);
  const secrets = new SecretClient(vaultUrl, credential, clientOptions);
  const where = (name: string, version: string | null) =>
    `Key Vault certificate '${name}'${version ? ` version ${version}` : ""} in ${vaultUrl}`;
  const failed = (error: unknown, name: string, version: string | null, permission: string) =>
    keyVaultError(error, `read ${where(name, version)}`, (refusal) =>
      refused(refusal, where(name, version), permission, error),
    );

  return {
    async getProperties(name, version, deadline) {
      try {
        const properties = await keyVaultCall(deadline, async (call) =>
          version
            ? (await certificates.getCertificateVersion(name, version, call)).properties
            : (await certificates.getCertificate(name, call)).properties,
        );
        return {
          name,
          version: properties.version ?? "",
          enabled: properties.enabled !== false,
          expiresOn: properties.expiresOn ?? null,
        };
      } catch (error) {
        throw failed(error, name, version, "certificates/get");
      }
    },
    async getSecret(name, version, deadline) {
      try {
        const secret = await keyVaultCall(deadline, (call) =>
          secrets.getSecret(name, version ? { ...call, version } : call),
        );
        return {
          value: secret.value ?? "",
          contentType: secret.properties.contentType ?? null,
          version: secret.properties.version ?? "",
          keyId: secret.properties.certificateKeyId ?? null,
        };
      } catch (error) {
        throw failed(error, name, version, "secrets/get");
      }
    },
    async getCertificate(name, version, deadline) {
      let certificate;
      try {
        certificate = await keyVaultCall(deadline, (call) =>
          version
            ? certificates.getCertificateVersion(name, version, call)
            : certificates.getCertificate(name, call),
        );
      } catch (error) {
        throw failed(error, name, version, "certificates/get");
      }
      if (!certificate.cer || !certificate.keyId) {
        throw new CredentialError(
          "CERTIFICATE_NO_CERTIFICATE",
          `${where(name, version)} has no certificate yet (a version whose creation has not completed?). Wait for it to complete, or pin a completed version with M2M_KEYVAULT_CERTIFICATE_VERSION.`,
        );
      }
      return {
        cer: Buffer.from(certificate.cer),
        keyId: certificate.keyId,
        version: certificate.properties.version ?? "",
      };
    },
  };
}

/** Not found, disabled and forbidden, with the settings and roles that decide them. */
function refused({ status, said }: KeyVaultRefusal, what: string, permission: string, cause: unknown) {
  if (status === 404) {
    return new CredentialError(
      "CERTIFICATE_NOT_FOUND",
      `${what} was not found. Check M2M_KEYVAULT_URL, M2M_KEYVAULT_CERTIFICATE_NAME and M2M_KEYVAULT_CERTIFICATE_VERSION. Key Vault said: ${said}`,
      { cause },
    );
  }
  if (status === 403 && /disabled/i.test(said)) {
    return new CredentialError(
      "CERTIFICATE_DISABLED",
      `${what} is disabled. Enable the version in Key Vault, or pin another version with M2M_KEYVAULT_CERTIFICATE_VERSION.`,
      { cause },
    );
  }
  if (status === 403) {
    return new CredentialError(
      "KEYVAULT_FORBIDDEN",
      `The app's identity may not read ${what} (${permission}). Grant it the 'Key Vault Certificate User' role (RBAC vaults: it reads certificates and their secrets), or get permission on ${permission.startsWith("secrets") ? "secrets" : "certificates"} (access policies). With M2M_KEYVAULT_SIGNING=vault the app reads only the certificate, never its secret. Key Vault said: ${said}`,
      { cause },
    );
  }
  return null;
}
