import type { JwsAlgorithm, SignCall } from "./CertificateSigner.js";

/** The slice of Key Vault's keys API vault signing needs: one call. */
export interface VaultKeys {
  /**
   * Signs a SHA-256 `digest` with the key `keyId` (`https://{vault}/keys/{name}/{version}`) in Key Vault
   * (`keys/sign`); the private key never leaves the vault. Bounded by `call.deadline` (TIMED_OUT naming Key Vault); a
   * refusal is a coded error naming the key version and, for a 403, the role that grants signing.
   */
  sign(keyId: string, algorithm: JwsAlgorithm, digest: Buffer, call: SignCall): Promise<Buffer>;
}
