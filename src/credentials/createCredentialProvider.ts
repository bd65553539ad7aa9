import type { Clock } from "../clock/Clock.js";
import type { Config } from "../config/Config.js";
import type { Logger } from "../logging/Logger.js";
import type { CredentialProvider } from "./AppCredential.js";
import { clientSecretProvider } from "./clientSecretProvider.js";
import { createAzureCredential } from "./createAzureCredential.js";
import { federatedCredentialProvider } from "./federatedCredentialProvider.js";
import { fileCredentialProvider } from "./fileCredentialProvider.js";
import { keyVaultCertificateStore } from "./keyVaultCertificateStore.js";
import { keyVaultCredentialProvider } from "./keyVaultCredentialProvider.js";

/** The credential provider for the configured M2M_CREDENTIAL_SOURCE. */
export function createCredentialProvider(
  config: Config,
  deps: { clock: Clock; logger: Logger },
): CredentialProvider {
  const source = config.credential;
  switch (source.kind) {
    case "keyvault-certificate":
      return keyVaultCredentialProvider({
        store: keyVaultCertificateStore(source.vaultUrl, createAzureCredential(config, source.vaultAuth)),
        vaultUrl: source.vaultUrl,
        certificateName: source.certificateName,
        pinnedVersion: source.certificateVersion,
        refreshMs: source.refreshMinutes * 60_000,
        msal: config,
        ...deps,
      });
    case "certificate-file":
      return fileCredentialProvider({ path: source.path, password: source.password, msal: config, ...deps });
    case "client-secret":
      return clientSecretProvider(source.secret);
    case "managed-identity-federation":
      return federatedCredentialProvider(createAzureCredential(config, "managed-identity"), source.audience);
  }
}
