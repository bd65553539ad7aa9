import type { Deadline } from "../clock/Deadline.js";

/** The properties of one certificate version, as Key Vault reports them. */
export interface CertificateVersionInfo {
  name: string;
  version: string;
  enabled: boolean;
  expiresOn: Date | null;
}

/**
 * The slice of Key Vault the credential loader needs: two calls. With a `deadline`, a call ends by it (TIMED_OUT
 * naming Key Vault, or the managed identity endpoint when the token for the vault is what hung).
 */
export interface CertificateStore {
  /** The latest version's properties (`version` null), or a given version's. One request, no key material. */
  getProperties(name: string, version: string | null, deadline?: Deadline): Promise<CertificateVersionInfo>;
  /**
   * The certificate's secret (key + chain; the chain only when the key is not exportable) for a version, or the
   * latest (`version` null): PEM text or base64 PKCS#12, with the version it came from and the id of the
   * certificate's key in Key Vault. One request (`secrets/get`).
   */
  getSecret(
    name: string,
    version: string | null,
    deadline?: Deadline,
  ): Promise<{ value: string; contentType: string | null; version: string; keyId: string | null }>;
  /**
   * The certificate itself for a version, or the latest (`version` null): its DER (`cer`) and the id of its key
   * version (`…/keys/{name}/{version}`), without reading the secret. One request (`certificates/get`).
   */
  getCertificate(
    name: string,
    version: string | null,
    deadline?: Deadline,
  ): Promise<{ cer: Buffer; keyId: string; version: string }>;
}
