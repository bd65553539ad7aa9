import type { TokenCredential } from "@azure/identity";
import { CertificateClient } from "@azure/keyvault-certificates";
import type { Clock } from "../clock/Clock.js";
import type { KeyVaultSigning } from "../config/Config.js";
import { keyVaultCall } from "../credentials/keyVaultCall.js";
import { keyVaultCertificateStore } from "../credentials/keyVaultCertificateStore.js";
import { loadKeyVaultSigner } from "../credentials/loadKeyVaultSigner.js";
import type { VaultKeys } from "../credentials/signing/VaultKeys.js";
import { keyVaultClientOptions, type KeyVaultRetryOptions } from "../credentials/keyVaultClientOptions.js";
import { keyVaultError } from "../credentials/keyVaultError.js";
import { M2mError } from "../errors.js";
import { isPartneredProvider, issuerKind, PARTNERED_PROVIDERS } from "./issuerKind.js";
import type { LatestVersion, RenewableCertificate } from "./RotationPorts.js";
import type { Deadline } from "../clock/Deadline.js";

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The rotation's view of a Key Vault certificate, through the official SDKs (clients built once, options per
 * keyVaultClientOptions). Every call — the create poller's first poll and the pending-operation read included — runs
 * within the caller's deadline (see keyVaultCall); failures are coded errors (see keyVaultError), so a step that fails
 * on Key Vault is recorded and answered as such, never as a bare SDK error.
 */
export function keyVaultRenewableCertificate(
  vaultUrl: string,
  credential: TokenCredential,
  clock: Clock,
  options: {
    /** M2M_KEYVAULT_SIGNING: how a version's key signs Graph's key proofs and the check token (see loadKeyVaultSigner). */
    signing: KeyVaultSigning;
    keys: VaultKeys;
    retryOptions?: KeyVaultRetryOptions;
  },
): RenewableCertificate {
  const clientOptions = keyVaultClientOptions(vaultUrl, options.retryOptions);
  const certificates = new CertificateClient(vaultUrl, credential, clientOptions);
  const signerSource = {
    store: keyVaultCertificateStore(
      vaultUrl,
      credential,
      options.retryOptions ? { retryOptions: options.retryOptions } : {},
    ),
    keys: options.keys,
    vaultUrl,
    signing: options.signing,
    clock,
  };
  const of = (name: string) => `'${name}' in ${vaultUrl}`;
  async function versions(name: string, deadline?: Deadline): Promise<LatestVersion[]> {
    // A pending version has no certificate yet: only completed, enabled versions count.
    const found: (LatestVersion & { createdOn: number; at: number })[] = [];
    try {
      await keyVaultCall(deadline, async (call) => {
        for await (const properties of certificates.listPropertiesOfCertificateVersions(name, call)) {
          if (!properties.version || !properties.x509Thumbprint || properties.enabled === false) continue;
          found.push({
            version: properties.version,
            thumbprintSha1: Buffer.from(properties.x509Thumbprint).toString("hex").toUpperCase(),
            expiresOn: properties.expiresOn ?? null,
            notBefore: properties.notBefore ?? null,
            createdOn: properties.createdOn?.getTime() ?? 0,
            at: found.length,
          });
        }
      });
    } catch (error) {
      throw keyVaultError(error, `list the versions of certificate ${of(name)}`);
    }
    // Newest first; of versions created in the same second, the one listed last.
    return found
      .sort((a, b) => b.createdOn - a.createdOn || b.at - a.at)
      .map(({ createdOn: _createdOn, at: _at, ...version }) => version);
  }

  const policyOf = async (name: string, deadline: Deadline | undefined) => {
    try {
      return await keyVaultCall(deadline, (call) => certificates.getCertificatePolicy(name, call));
    } catch (error) {
      throw keyVaultError(error, `read the policy of certificate ${of(name)}`);
    }
  };

  return {
    versions,
    async latest(name, deadline) {
      return (await versions(name, deadline))[0] ?? null;
    },
    async hasPendingOperation(name, deadline) {
      try {
        const poller = await keyVaultCall(deadline, (call) =>
          certificates.getCertificateOperation(name, call),
        );
        const status = poller.getOperationState().certificateOperation?.status;
        return status === "inProgress";
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) return false;
        throw keyVaultError(error, `read the pending operation of certificate ${of(name)}`);
      }
    },
    async isRenewable(name, deadline) {
      const policy = await policyOf(name, deadline);
      const issuer = issuerKind(policy.issuerName);
      // The provider of the issuer object decides, not its name: an object called "corp-tls" may be DigiCert.
      if (issuer.kind !== "object") return issuer.kind === "self";
      let provider: string | undefined;
      try {
        provider = (await keyVaultCall(deadline, (call) => certificates.getIssuer(issuer.name, call)))
          .provider;
      } catch (error) {
        throw issuerReadError(error, { vaultUrl, certificate: name, issuer: issuer.name });
      }
      return isPartneredProvider(provider);
    },
    async createVersion(name, deadline) {
      const policy = await policyOf(name, deadline);
      try {
        // Start it and return: the next run awaits the pending operation instead of holding a function open.
        await keyVaultCall(deadline, (call) => certificates.beginCreateCertificate(name, policy, call));
        return "started";
      } catch (error) {
        // Key Vault allows one create operation at a time: one began since the observation (AutoRenew, a person).
        if (statusOf(error) === 409) return "in-progress";
        if (statusOf(error) === 403) {
          throw new M2mError(
            "KEYVAULT_FORBIDDEN",
            `The app's identity may not create a new version of '${name}' in ${vaultUrl} (Microsoft.KeyVault/vaults/certificates/create/action). ` +
              `Grant it the 'Key Vault Certificates Officer' role on the vault (az role assignment create --role "Key Vault Certificates Officer" --assignee <principal id> --scope <vault resource id>), ` +
              `or the Create certificate permission where the vault uses access policies. Key Vault said: ${messageOf(error)}`,
            { cause: error },
          );
        }
        throw keyVaultError(error, `create a new version of certificate ${of(name)}`);
      }
    },
    async load(name, version, deadline) {
      return (await loadKeyVaultSigner(signerSource, name, version, deadline)).signer;
    },
  };
}

/**
 * Why the issuer object could not be read, and what to do. A 403 is not "manual": the app cannot tell whether Key
 * Vault renews the certificate itself, so it says which role grants the read (certificatecas/read: Key Vault
 * Certificates Officer, Key Vault Administrator or Key Vault Reader — not Key Vault Certificate User).
 */
function issuerReadError(
  error: unknown,
  where: { vaultUrl: string; certificate: string; issuer: string },
): M2mError {
  const { vaultUrl, certificate, issuer } = where;
  const status = statusOf(error);
  if (status === 403) {
    return new M2mError(
      "KEYVAULT_ISSUER_FORBIDDEN",
      `The app's identity may not read the certificate issuer '${issuer}' that the policy of '${certificate}' names in ${vaultUrl} (Microsoft.KeyVault/vaults/certificatecas/read), ` +
        `so it cannot tell whether Key Vault renews the certificate itself or a person must merge a CSR. ` +
        `Grant the identity the 'Key Vault Certificates Officer' role on the vault (az role assignment create --role "Key Vault Certificates Officer" --assignee <principal id> --scope <vault resource id>; it also lets the app create the new version), ` +
        `or the Get Issuers certificate permission where the vault uses access policies. Key Vault said: ${messageOf(error)}`,
      { cause: error },
    );
  }
  if (status === 404) {
    return new M2mError(
      "KEYVAULT_ISSUER_NOT_FOUND",
      `The policy of '${certificate}' in ${vaultUrl} names the issuer '${issuer}', which is not an issuer object in the vault (nor Self or Unknown), so Key Vault cannot issue a new version with it. ` +
        `Create the issuer (az keyvault certificate issuer create --vault-name <vault> --issuer-name ${issuer} --provider-name <${PARTNERED_PROVIDERS.join("|")}> --account-id <id> --password <key>) ` +
        `or set the policy's issuer to Self or Unknown (az keyvault certificate set-attributes --vault-name <vault> --name ${certificate} --policy @policy.json). Key Vault said: ${messageOf(error)}`,
      { cause: error },
    );
  }
  return keyVaultError(error, `read the certificate issuer '${issuer}' in ${vaultUrl}`);
}
