import { hostname } from "node:os";
import type { Clock } from "../clock/Clock.js";
import type { Config } from "../config/Config.js";
import type { CredentialProvider } from "../credentials/AppCredential.js";
import { M2mError } from "../errors.js";
import type { GraphApplications } from "../graph/GraphApplications.js";
import type { Logger } from "../logging/Logger.js";
import type { LeaseStore } from "../state/LeaseStore.js";
import { acquireWithCertificate } from "../tokens/acquireWithCertificate.js";
import type { RenewableCertificate, RotationStore } from "./RotationPorts.js";
import { rotateCertificate, type RotationReport } from "./rotateCertificate.js";

export class CertificateNotManagedError extends M2mError {
  override name = "CertificateNotManagedError";
}

export class RotationBusyError extends M2mError {
  override name = "RotationBusyError";
}

export interface RotationService {
  /** Renews and rotates the certificate now (as far as it can go in this run). */
  renew(name: string, logger: Logger): Promise<RotationReport>;
}

/** Lease time for one rotation run: Key Vault and Graph calls, one token request. */
const LEASE_MS = 10 * 60_000;

/**
 * Renewal and key rotation of the app's own Key Vault certificate: guarded by a lease (one rotation at a time
 * across instances), with the application's object id looked up once through Graph by the app's client id.
 */
export function createRotationService(deps: {
  config: Config;
  credentials: CredentialProvider;
  leases: LeaseStore;
  store: RotationStore;
  vault: RenewableCertificate | null;
  graph: GraphApplications;
  clock: Clock;
}): RotationService {
  let objectId: Promise<string> | null = null;
  return {
    async renew(name, logger) {
      const source = deps.config.credential;
      if (
        source.kind !== "keyvault-certificate" ||
        !deps.vault ||
        source.certificateName.toLowerCase() !== name.toLowerCase()
      ) {
        throw new CertificateNotManagedError(
          "CERTIFICATE_NOT_MANAGED",
          source.kind === "keyvault-certificate"
            ? `The app manages only its own certificate '${source.certificateName}' in ${source.vaultUrl}; '${name}' is not it.`
            : `The app renews only a Key Vault certificate it uses (M2M_CREDENTIAL_SOURCE=keyvault-certificate); it uses ${source.kind}.`,
        );
      }
      if (source.certificateVersion !== null) {
        throw new CertificateNotManagedError(
          "CERTIFICATE_VERSION_PINNED",
          `M2M_KEYVAULT_CERTIFICATE_VERSION pins version ${source.certificateVersion}: a renewed version would not be used. Clear the setting to let the app rotate.`,
        );
      }
      const owner = `${process.env.WEBSITE_INSTANCE_ID?.slice(0, 12) ?? `${hostname()}-${process.pid}`}/renew`;
      const lease = await deps.leases.acquire(
        `rotation-${source.certificateName.toLowerCase()}`,
        owner,
        LEASE_MS,
      );
      if (!lease.acquired) {
        throw new RotationBusyError(
          "ROTATION_IN_PROGRESS",
          `Another rotation of '${source.certificateName}' is running (${lease.heldBy}, until ${lease.expiresAt.toISOString()}).`,
        );
      }
      try {
        objectId ??= deps.graph.getByAppId(deps.config.clientId).then(
          (application) => application.id,
          (error: unknown) => {
            objectId = null;
            throw error;
          },
        );
        return await rotateCertificate(
          {
            certificateName: source.certificateName,
            applicationObjectId: await objectId,
            graceMs: deps.config.rotation.graceMs,
            dryRun: deps.config.rotation.dryRun,
          },
          {
            vault: deps.vault,
            graph: deps.graph,
            store: deps.store,
            verify: (certificate) => acquireWithCertificate(deps.config, certificate),
            switchTo: async (version) => {
              await deps.credentials.reload(`rotation switched to version ${version}`);
            },
          },
          { clock: deps.clock, logger },
        );
      } finally {
        await deps.leases.release(lease.lease);
      }
    },
  };
}
