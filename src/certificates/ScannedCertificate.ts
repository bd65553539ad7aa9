/**
 * One certificate as a vault listing shows it: the latest completed version's attributes, with no per-certificate
 * request. What the listing does not carry (the issuer, which is in the certificate's policy, and the version,
 * which list entries leave out of their id) costs a GET per certificate and is left to the callers that need it.
 */
export interface ScannedCertificate {
  /** The vault's URL as given to the scan, without a trailing slash. */
  vaultUrl: string;
  name: string;
  /** The version, when the listing says; Key Vault's list entries name the certificate only, so usually null. */
  version: string | null;
  enabled: boolean;
  notBefore: Date | null;
  /** Null when the vault did not say: classify it "unknown", never "never expires". */
  expiresOn: Date | null;
  tags: Readonly<Record<string, string>>;
  /** SHA-1 thumbprint (Key Vault's `x5t`), hex upper case; null when the listing had none. */
  x5tSha1: string | null;
  /**
   * The policy's issuer name ("Self", "Unknown", or the name of an issuer object such as "corp-digicert") when the
   * certificate was read with its policy (a GET); listings do not carry it.
   */
  policyIssuer?: string | null;
}
