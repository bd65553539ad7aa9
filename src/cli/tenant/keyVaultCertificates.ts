import type { TokenCredential } from "@azure/identity";
import { CertificateClient } from "@azure/keyvault-certificates";
import type { Deadline } from "../../clock/Deadline.js";
import { sleep as realSleep } from "../../clock/sleep.js";
import { keyVaultCall, KEY_VAULT } from "../../credentials/keyVaultCall.js";
import { keyVaultClientOptions, type KeyVaultRetryOptions } from "../../credentials/keyVaultClientOptions.js";
import { keyVaultError, type KeyVaultRefusal } from "../../credentials/keyVaultError.js";
import { CredentialError, M2mError } from "../../errors.js";
import type {
  IssuedVaultCertificate,
  VaultCertificates,
  VaultCertificateState,
} from "./VaultCertificates.js";
import { toSdkPolicy } from "./toSdkPolicy.js";

/** Between checks of a creation under way: a self-signed certificate is issued within seconds. */
const POLL_INTERVAL_MS = 1_000;

const statusOf = (error: unknown) => (error as { statusCode?: number } | null)?.statusCode;

/**
 * Key Vault certificates through @azure/keyvault-certificates with the signed-in person's credential, each call
 * within the step's deadline (see keyVaultCall). Creation is the SDK's create request followed by reads of the
 * pending operation until Key Vault says it is done, so the wait stops at the deadline, not at the poller's leisure.
 * A refusal names what the person needs: Key Vault Certificates Officer on the vault (RBAC) or the certificate
 * permissions get, list and create in its access policy.
 */
export function keyVaultCertificates(
  vaultUrl: string,
  credential: TokenCredential,
  options: {
    retryOptions?: KeyVaultRetryOptions;
    sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  } = {},
): VaultCertificates {
  const client = new CertificateClient(
    vaultUrl,
    credential,
    keyVaultClientOptions(vaultUrl, options.retryOptions),
  );
  const sleep = options.sleep ?? realSleep;
  const of = (name: string) => `certificate '${name}' in ${vaultUrl}`;
  const refusedForPerson = (refusal: KeyVaultRefusal): M2mError | null =>
    refusal.status === 403
      ? new CredentialError(
          "KEYVAULT_FORBIDDEN",
          `Key Vault ${vaultUrl} refused the signed-in person: ${refusal.said}. Give them the role Key Vault Certificates Officer on the vault (RBAC), or the certificate permissions get, list and create in its access policy.`,
        )
      : null;

  async function operationStatus(
    name: string,
    deadline: Deadline,
  ): Promise<{ status: string; detail: string } | null> {
    try {
      const poller = await keyVaultCall(deadline, (call) => client.getCertificateOperation(name, call));
      const operation = poller.getOperationState().certificateOperation;
      return {
        status: operation?.status ?? "unknown",
        detail: operation?.error?.message ?? operation?.statusDetails ?? "",
      };
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw keyVaultError(error, `read the pending operation of ${of(name)}`, refusedForPerson);
    }
  }

  async function issued(name: string, deadline: Deadline): Promise<IssuedVaultCertificate | null> {
    try {
      const certificate = await keyVaultCall(deadline, (call) => client.getCertificate(name, call));
      const version = certificate.properties.version;
      return certificate.cer && certificate.cer.length > 0 && version
        ? { der: Buffer.from(certificate.cer), version }
        : null;
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw keyVaultError(error, `read ${of(name)}`, refusedForPerson);
    }
  }

  async function awaitIssued(name: string, deadline: Deadline): Promise<IssuedVaultCertificate> {
    for (;;) {
      const operation = await operationStatus(name, deadline);
      if (operation && operation.status !== "inProgress" && operation.status !== "completed") {
        throw new M2mError(
          "CERTIFICATE_NOT_ISSUED",
          `Key Vault did not issue ${of(name)}: its creation ended ${operation.status}${operation.detail ? ` (${operation.detail})` : ""}. Look at the pending operation ('az keyvault certificate pending show --vault-name <vault> --name ${name}'), delete it, and run the command again.`,
        );
      }
      if (!operation || operation.status === "completed") {
        const certificate = await issued(name, deadline);
        if (certificate) return certificate;
        if (!operation) {
          throw new M2mError(
            "CERTIFICATE_NOT_ISSUED",
            `Key Vault has neither ${of(name)} nor a creation of it under way.`,
          );
        }
      }
      await deadline.bound(KEY_VAULT, (signal) => sleep(POLL_INTERVAL_MS, signal));
    }
  }

  return {
    vaultUrl,
    async find(name, deadline): Promise<VaultCertificateState> {
      const certificate = await issued(name, deadline);
      if (certificate) return { kind: "issued", ...certificate };
      const operation = await operationStatus(name, deadline);
      return operation ? { kind: "pending", status: operation.status } : { kind: "absent" };
    },
    async create(name, policy, deadline) {
      try {
        await keyVaultCall(deadline, (call) =>
          client.beginCreateCertificate(name, toSdkPolicy(policy), call),
        );
      } catch (error) {
        throw keyVaultError(error, `create ${of(name)}`, (refusal) =>
          refusal.status === 409
            ? new M2mError(
                "KEYVAULT_REJECTED",
                `Key Vault refused to create ${of(name)}: ${refusal.said}. A deleted certificate of that name is kept while soft delete lasts: recover it ('az keyvault certificate recover') or purge it ('az keyvault certificate purge'), or choose another --name.`,
              )
            : refusedForPerson(refusal),
        );
      }
      return awaitIssued(name, deadline);
    },
    awaitIssued,
  };
}
