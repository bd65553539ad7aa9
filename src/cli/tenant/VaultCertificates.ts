import type { Deadline } from "../../clock/Deadline.js";

/**
 * The policy `m2m cert create --keyvault` gives a new certificate: self-signed (issuer Self), RSA, a key that stays in
 * the vault unless `exportable`, and a lifetime action that e-mails the vault's certificate contacts — never AutoRenew:
 * the app renews the certificate itself and registers the new key on the app registration before switching to it.
 */
export interface NewVaultCertificatePolicy {
  /** X.500 distinguished name, e.g. `CN=m2m-functions`. */
  subject: string;
  validityMonths: number;
  keySize: 2048 | 3072 | 4096;
  exportable: boolean;
  /** When Key Vault e-mails the contacts: this many days before expiry. */
  emailDaysBeforeExpiry: number;
}

/** Key Vault e-mails the certificate contacts this many days before expiry: later than the app renews (30 days). */
export const EMAIL_CONTACTS_DAYS_BEFORE_EXPIRY = 14;

/** An issued certificate version in Key Vault. */
export interface IssuedVaultCertificate {
  /** The DER bytes of the certificate (Key Vault's `cer`). */
  der: Buffer;
  version: string;
}

/** What Key Vault holds under a certificate name. */
export type VaultCertificateState =
  | { kind: "absent" }
  /** A creation is under way (or waits for a CSR merge): no version issued yet. */
  | { kind: "pending"; status: string }
  | ({ kind: "issued" } & IssuedVaultCertificate);

/**
 * The Key Vault certificate calls of the tenant commands, as the signed-in person. Every call is bounded by
 * `deadline`; failures are coded (see keyVaultError).
 */
export interface VaultCertificates {
  readonly vaultUrl: string;
  find(name: string, deadline: Deadline): Promise<VaultCertificateState>;
  /** Creates the certificate and waits until Key Vault has issued it (self-signed: seconds). */
  create(
    name: string,
    policy: NewVaultCertificatePolicy,
    deadline: Deadline,
  ): Promise<IssuedVaultCertificate>;
  /** Waits for a creation already under way to issue the certificate. */
  awaitIssued(name: string, deadline: Deadline): Promise<IssuedVaultCertificate>;
}
