/**
 * Raw certificate material as it arrives from a file or a Key Vault secret.
 *
 * - `pem`: private key and certificates in one text, in any order; `openssl pkcs12` bag attributes,
 *   `\r\n` and blank lines are fine. `password` decrypts an `ENCRYPTED PRIVATE KEY` (or a legacy
 *   `Proc-Type: 4,ENCRYPTED` key).
 * - `pkcs12`: PFX bytes. `password` absent means the empty password (what Key Vault uses).
 */
export type CertificateMaterial =
  | { kind: "pem"; text: string; password?: string | undefined }
  | { kind: "pkcs12"; der: Buffer; password?: string | undefined };
