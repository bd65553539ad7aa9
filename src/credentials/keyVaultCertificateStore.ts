import type { TokenCredential } from "@azure/identity";
import { CertificateClient } from "@azure/keyvault-certificates";
import { SecretClient } from "@azure/keyvault-secrets";
import { CredentialError, TransientError } from "../errors.js";
import type { CertificateStore } from "./CertificateStore.js";
import { isLoopbackUrl } from "./isLoopbackUrl.js";

/**
 * The certificate store on Azure Key Vault through the official SDKs. The SDKs authenticate by challenge;
 * the challenge's resource check is relaxed only for a vault on this machine (the local stand-in).
 */
export function keyVaultCertificateStore(vaultUrl: string, credential: TokenCredential): CertificateStore {
  const options = { disableChallengeResourceVerification: isLoopbackUrl(vaultUrl) };
  const certificates = new CertificateClient(vaultUrl, credential, options);
  const secrets = new SecretClient(vaultUrl, credential, options);
  const where = (name: string, version: string | null) =>
    `Key Vault certificate '${name}'${version ? ` version ${version}` : ""} in ${vaultUrl}`;

  return {
    async getProperties(name, version) {
      try {
        const properties = version
          ? (await certificates.getCertificateVersion(name, version)).properties
          : (await certificates.getCertificate(name)).properties;
        return {
          name,
          version: properties.version ?? "",
          enabled: properties.enabled !== false,
          expiresOn: properties.expiresOn ?? null,
        };
      } catch (error) {
        throw vaultError(error, where(name, version), "certificates/get");
      }
    },
    async getSecret(name, version) {
      try {
        const secret = await secrets.getSecret(name, version ? { version } : {});
        return {
          value: secret.value ?? "",
          contentType: secret.properties.contentType ?? null,
          version: secret.properties.version ?? "",
        };
      } catch (error) {
        throw vaultError(error, where(name, version), "secrets/get");
      }
    },
  };
}

function vaultError(error: unknown, what: string, permission: string): Error {
  const status = (error as { statusCode?: number }).statusCode;
  const serviceMessage = error instanceof Error ? error.message : String(error);
  if (status === 404) {
    return new CredentialError(
      "CERTIFICATE_NOT_FOUND",
      `${what} was not found. Check M2M_KEYVAULT_URL, M2M_KEYVAULT_CERTIFICATE_NAME and M2M_KEYVAULT_CERTIFICATE_VERSION. Key Vault said: ${serviceMessage}`,
      { cause: error },
    );
  }
  if (status === 403 && /disabled/i.test(serviceMessage)) {
    return new CredentialError(
      "CERTIFICATE_DISABLED",
      `${what} is disabled. Enable the version in Key Vault, or pin another version with M2M_KEYVAULT_CERTIFICATE_VERSION.`,
      { cause: error },
    );
  }
  if (status === 403) {
    return new CredentialError(
      "KEYVAULT_FORBIDDEN",
      `The app's identity may not read ${what} (${permission}). Grant it the 'Key Vault Secrets User' and 'Key Vault Certificate User' roles (RBAC vaults) or get permission on secrets and certificates (access policies). Key Vault said: ${serviceMessage}`,
      { cause: error },
    );
  }
  if (
    status === 401 ||
    (error instanceof Error && /CredentialUnavailable|AuthenticationError/.test(error.name))
  ) {
    return new CredentialError(
      "KEYVAULT_AUTHENTICATION_FAILED",
      `Could not authenticate to Key Vault to read ${what}: ${serviceMessage}. In Azure, enable the Function app's managed identity (and set M2M_MANAGED_IDENTITY_CLIENT_ID for a user-assigned one); on a workstation set M2M_KEYVAULT_AUTH=default-azure-credential and sign in with 'az login'.`,
      { cause: error },
    );
  }
  return new TransientError("KEYVAULT_UNAVAILABLE", `Reading ${what} failed: ${serviceMessage}`, {
    cause: error,
  });
}
