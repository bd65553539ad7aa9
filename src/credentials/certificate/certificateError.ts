import { CredentialError } from "../../errors.js";

/** The stable codes certificate parsing and checks throw. */
export type CertificateErrorCode =
  | "CERTIFICATE_UNREADABLE"
  | "CERTIFICATE_PASSWORD_INVALID"
  | "CERTIFICATE_NO_PRIVATE_KEY"
  | "CERTIFICATE_NO_CERTIFICATE"
  | "CERTIFICATE_KEY_MISMATCH"
  | "CERTIFICATE_KEY_NOT_RSA"
  | "CERTIFICATE_KEY_TOO_SMALL"
  | "CERTIFICATE_EXPIRED"
  | "CERTIFICATE_NOT_YET_VALID";

/**
 * A `CredentialError` with one of the certificate codes. Messages start with the material's source and
 * never contain key material; a low-level cause (OpenSSL, node-forge) is attached as `cause` only.
 */
export function certificateError(
  code: CertificateErrorCode,
  message: string,
  cause?: unknown,
): CredentialError {
  return new CredentialError(code, message, cause === undefined ? undefined : { cause });
}

/** Shared by parsing (which sees the key first) and the check (for credentials built elsewhere). */
export function keyNotRsaError(source: string, keyLabel: string): CredentialError {
  return certificateError(
    "CERTIFICATE_KEY_NOT_RSA",
    `${source} has a ${keyLabel} key; Entra ID accepts only RSA keys for certificate credentials (client ` +
      `assertions are signed RS256/PS256). Create the certificate with an RSA key (Key Vault policy: keyType ` +
      `"RSA", keySize 2048 or more) and register it on the app registration.`,
  );
}
