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
   * The certificate's secret (key + chain) for a version, or the latest (`version` null): PEM text or
   * base64 PKCS#12, with the version it came from. One request.
   */
  getSecret(
    name: string,
    version: string | null,
    deadline?: Deadline,
  ): Promise<{ value: string; contentType: string | null; version: string }>;
}
