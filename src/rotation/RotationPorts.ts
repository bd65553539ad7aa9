import type { Deadline } from "../clock/Deadline.js";
import type { CertificateSigner } from "../credentials/signing/CertificateSigner.js";
import type { GraphApplications } from "../graph/GraphApplications.js";
import type { RotationRecord } from "./RotationRecord.js";

/** A completed version of a Key Vault certificate. */
export interface LatestVersion {
  version: string;
  /** Hex, upper case. */
  thumbprintSha1: string;
  /** Null when Key Vault did not say. */
  expiresOn: Date | null;
  notBefore?: Date | null;
}

/**
 * The certificate's side in Key Vault, as rotation needs it. With a `deadline`, each call ends by it (TIMED_OUT naming
 * Key Vault); failures are coded errors (see keyVaultError).
 */
export interface RenewableCertificate {
  /** The latest completed version, or null when there is none. */
  latest(name: string, deadline?: Deadline): Promise<LatestVersion | null>;
  /** The completed, enabled versions, newest first (the first is the latest): one list read. */
  versions(name: string, deadline?: Deadline): Promise<LatestVersion[]>;
  /** A create operation is in progress. */
  hasPendingOperation(name: string, deadline?: Deadline): Promise<boolean>;
  /**
   * Key Vault issues a new version itself: the policy's issuer is Self, or an issuer object whose provider is a
   * partnered CA (DigiCert, GlobalSign). Unknown and any other provider: a person merges a CSR. Throws (never
   * answers false) when the issuer cannot be read.
   */
  isRenewable(name: string, deadline?: Deadline): Promise<boolean>;
  /**
   * Starts a new version with the existing policy; does not wait for it. "in-progress": Key Vault refused because a
   * create operation is already running (started since the last observation), which the next run awaits.
   */
  createVersion(name: string, deadline?: Deadline): Promise<"started" | "in-progress">;
  /**
   * A version, parsed and checked, with what signs for it: its key read from the secret, or Key Vault signing with
   * it (M2M_KEYVAULT_SIGNING).
   */
  load(name: string, version: string, deadline?: Deadline): Promise<CertificateSigner>;
}

/**
 * Rotation records, ETag-guarded: `save` fails (returns false) when another instance wrote in between. With a
 * `deadline`, each call ends by it (TIMED_OUT naming Table Storage).
 */
export interface RotationStore {
  get(name: string, deadline?: Deadline): Promise<{ record: RotationRecord; etag: string } | null>;
  save(
    record: RotationRecord,
    etag: string | null,
    deadline?: Deadline,
  ): Promise<{ saved: true; etag: string } | { saved: false }>;
}

export interface RotationPorts {
  vault: RenewableCertificate;
  graph: GraphApplications;
  store: RotationStore;
  /** Acquires a token with this certificate through a new MSAL client (no cache): proves Entra ID accepts it. */
  verify(signer: CertificateSigner): Promise<void>;
  /** Makes the token path use the new version now (credentials.reload). */
  switchTo(version: string): Promise<void>;
  /**
   * Called before every step: resolves while this run holds the rotation lease (renewing it when due); throws
   * (LEASE_LOST) when another instance took it over, so this run stops before acting again.
   */
  keepLease(): Promise<void>;
}
