import type { TokenCredential } from "@azure/identity";
import { CryptographyClient } from "@azure/keyvault-keys";
import { CredentialError } from "../../errors.js";
import { keyVaultCall } from "../keyVaultCall.js";
import { keyVaultClientOptions, type KeyVaultRetryOptions } from "../keyVaultClientOptions.js";
import { keyVaultError, type KeyVaultRefusal } from "../keyVaultError.js";
import type { VaultKeys } from "./VaultKeys.js";
import type { AppMetrics } from "../../telemetry/AppMetrics.js";
import { appMetrics } from "../../telemetry/appMeter.js";

/**
 * Key Vault's keys API through the official `@azure/keyvault-keys` CryptographyClient: one client per key version,
 * kept for the process, so the key's public part is read once (the client's first `keys/get`, which it may be refused
 * without harm) and each signature after that is one `keys/sign` request. Calls run within the caller's deadline (see
 * keyVaultCall) with the same client options as the app's other Key Vault clients. Each signature is counted
 * (`m2m.keyvault.sign_calls`, by purpose and outcome); its span is the SDK's own.
 */
export function keyVaultKeys(
  vaultUrl: string,
  credential: TokenCredential,
  options: {
    retryOptions?: KeyVaultRetryOptions;
    /** Counts signatures by purpose and outcome (default: the app's metrics on the registered MeterProvider). */
    metrics?: AppMetrics;
  } = {},
): VaultKeys {
  const metrics = options.metrics ?? appMetrics();
  const clientOptions = keyVaultClientOptions(vaultUrl, options.retryOptions);
  const clients = new Map<string, CryptographyClient>();
  const clientFor = (keyId: string): CryptographyClient => {
    let client = clients.get(keyId);
    if (!client) {
      client = new CryptographyClient(keyId, credential, clientOptions);
      clients.set(keyId, client);
    }
    return client;
  };
  return {
    async sign(keyId, algorithm, digest, { purpose, deadline }) {
      try {
        const signed = await keyVaultCall(deadline, (call) => clientFor(keyId).sign(algorithm, digest, call));
        metrics.keyVaultSign({ purpose, outcome: "ok" });
        return Buffer.from(signed.result);
      } catch (error) {
        metrics.keyVaultSign({ purpose, outcome: "failed" });
        // A client whose first read failed keeps nothing worth reusing.
        clients.delete(keyId);
        throw keyVaultError(error, `sign with key ${keyId}`, (refusal) => refused(refusal, keyId, error));
      }
    },
  };
}

/** Key version names the version; 403s name the role that grants `keys/sign/action` (and what it does not need). */
function refused({ status, said }: KeyVaultRefusal, keyId: string, cause: unknown) {
  if (status === 404) {
    return new CredentialError(
      "CERTIFICATE_NOT_FOUND",
      `Key Vault has no key ${keyId} (the key of the certificate version the app signs with). Check M2M_KEYVAULT_CERTIFICATE_NAME and M2M_KEYVAULT_CERTIFICATE_VERSION. Key Vault said: ${said}`,
      { cause },
    );
  }
  if (status === 403 && /disabled/i.test(said)) {
    return new CredentialError(
      "CERTIFICATE_DISABLED",
      `Key ${keyId} is disabled, so Key Vault will not sign with it. Enable the certificate version in Key Vault, or pin another version with M2M_KEYVAULT_CERTIFICATE_VERSION. Key Vault said: ${said}`,
      { cause },
    );
  }
  if (status === 403) {
    return new CredentialError(
      "KEYVAULT_FORBIDDEN",
      `The app's identity may not sign with key ${keyId} (Microsoft.KeyVault/vaults/keys/sign/action). Grant it the 'Key Vault Crypto User' role on the vault (az role assignment create --role "Key Vault Crypto User" --assignee <principal id> --scope <vault resource id>), or the Sign key permission where the vault uses access policies. With M2M_KEYVAULT_SIGNING=vault the app never reads the certificate's secret. Key Vault said: ${said}`,
      { cause },
    );
  }
  return null;
}
