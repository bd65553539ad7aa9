import type { CertificateCredential } from "../credentials/certificate/CertificateCredential.js";
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

/** The certificate's side in Key Vault, as rotation needs it. */
export interface RenewableCertificate {
  /** The latest completed version, or null when there is none. */
  latest(name: string): Promise<LatestVersion | null>;
  /** A create operation is in progress. */
  hasPendingOperation(name: string): Promise<boolean>;
  /** Key Vault can renew the issuer itself (Self, DigiCert, GlobalSign). */
  isRenewable(name: string): Promise<boolean>;
  /** Starts a new version with the existing policy; does not wait for it. */
  createVersion(name: string): Promise<void>;
  /** A version with its private key, parsed and checked. */
  load(name: string, version: string): Promise<CertificateCredential>;
}

/** Rotation records, ETag-guarded: `save` fails (returns false) when another instance wrote in between. */
export interface RotationStore {
  get(name: string): Promise<{ record: RotationRecord; etag: string } | null>;
  save(
    record: RotationRecord,
    etag: string | null,
  ): Promise<{ saved: true; etag: string } | { saved: false }>;
}

export interface RotationPorts {
  vault: RenewableCertificate;
  graph: GraphApplications;
  store: RotationStore;
  /** Acquires a token with this certificate through a new MSAL client (no cache): proves Entra ID accepts it. */
  verify(credential: CertificateCredential): Promise<void>;
  /** Makes the token path use the new version now (credentials.reload). */
  switchTo(version: string): Promise<void>;
}
