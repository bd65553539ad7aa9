import type { CertificateState } from "./classifyCertificate.js";
import type { DriftFinding } from "./DriftFinding.js";

/**
 * One certificate as `GET /api/certificates` returns it (JSON: dates are ISO 8601 strings). Built from the vault
 * scan, the expiry classification and the app registration by {@link buildCertificateInventory}.
 */
export interface CertificateInventoryItem {
  name: string;
  /** The vault's URL, without a trailing slash. */
  vaultUrl: string;
  /** Null when unknown: vault listings name the certificate, not the version. */
  version: string | null;
  enabled: boolean;
  state: CertificateState;
  /** See `classifyCertificate`: ceil of the days to notAfter; 0 once expired, negative a full day later. */
  daysLeft: number | null;
  /** The reminder step (days before expiry) reached, or null. */
  step: number | null;
  notBefore: string | null;
  notAfter: string | null;
  /** The issuer's distinguished name, when known (the app's own certificate); listings do not carry it. */
  issuer: string | null;
  /** Hex, upper case; sha256 only for the app's own certificate (listings carry SHA-1 only). */
  thumbprints: { sha1: string | null; sha256: string | null };
  tags: Readonly<Record<string, string>>;
  /** The certificate the app signs its token requests with. */
  inUse: boolean;
  /** The app renews this certificate and rotates the app registration's key itself (its own Key Vault certificate). */
  managed: boolean;
  /**
   * The issuer name in the certificate's Key Vault policy ("Self", "Unknown", or an issuer object's name — its
   * provider, DigiCert or GlobalSign, is what lets Key Vault renew on its own), when it was read; null for
   * certificates known from a listing only.
   */
  policyIssuer: string | null;
  /**
   * Whether the app registration lists this certificate (by SHA-1 thumbprint, expired registrations included):
   * "unknown" when the registration could not be read or the certificate's thumbprint is not known.
   */
  registration: "registered" | "not-registered" | "unknown";
  /** Findings about this certificate (NOT_REGISTERED, REGISTERED_EXPIRED). */
  drift: readonly DriftFinding[];
}

/** A credential on the app registration (Graph keyCredentials and passwordCredentials), classified by its end date. */
export interface AppCredentialItem {
  keyId: string;
  kind: "certificate" | "secret";
  displayName: string | null;
  /** Certificates only: SHA-1 thumbprint, hex upper case, when Graph says. */
  thumbprintSha1: string | null;
  /** A certificate the app knows from Key Vault (alerted on as that certificate, not again as a credential). */
  inKeyVault: boolean;
  startDateTime: string | null;
  endDateTime: string | null;
  state: CertificateState;
  daysLeft: number | null;
  step: number | null;
}
