import type { TokenCredential } from "@azure/identity";
import type { Clock } from "../clock/Clock.js";
import type { Config } from "../config/Config.js";
import type { Logger } from "../logging/Logger.js";
import type { CredentialProvider } from "./AppCredential.js";
import { clientSecretProvider } from "./clientSecretProvider.js";
import { federatedCredentialProvider } from "./federatedCredentialProvider.js";
import { fileCredentialProvider } from "./fileCredentialProvider.js";
import { keyVaultCertificateStore } from "./keyVaultCertificateStore.js";
import { keyVaultCredentialProvider } from "./keyVaultCredentialProvider.js";
import { keyVaultKeys } from "./signing/keyVaultKeys.js";
import type { VaultKeys } from "./signing/VaultKeys.js";

/**
 * The credential provider for the configured M2M_CREDENTIAL_SOURCE. `azureCredential` is the app's identity for
 * Azure resources (Key Vault, the federation assertion): one per process, so its token cache is shared.
 */
export function createCredentialProvider(
  config: Config,
  deps: {
    clock: Clock;
    logger: Logger;
    azureCredential: TokenCredential;
    /** Key Vault certificate only: see KeyVaultCredentialOptions.holdVersion. */
    holdVersion?: () => Promise<string | null>;
    /** Key Vault certificate only: the keys API client to share with rotation (default: one of its own). */
    vaultKeys?: VaultKeys;
  },
): CredentialProvider {
  const { azureCredential, holdVersion, vaultKeys, ...rest } = deps;
  const source = config.credential;
  switch (source.kind) {
    case "keyvault-certificate":
      return keyVaultCredentialProvider({
        store: keyVaultCertificateStore(source.vaultUrl, azureCredential),
        keys: vaultKeys ?? keyVaultKeys(source.vaultUrl, azureCredential),
        signing: source.signing,
        vaultUrl: source.vaultUrl,
        certificateName: source.certificateName,
        pinnedVersion: source.certificateVersion,
        refreshMs: source.refreshMinutes * 60_000,
        msal: config,
        ...(holdVersion ? { holdVersion } : {}),
        ...rest,
      });
    case "certificate-file":
      return fileCredentialProvider({ path: source.path, password: source.password, msal: config, ...rest });
    case "client-secret":
      return clientSecretProvider(source.secret);
    case "managed-identity-federation":
      return federatedCredentialProvider(azureCredential, source.audience);
  }
}
