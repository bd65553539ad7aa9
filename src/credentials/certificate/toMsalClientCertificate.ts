import type { CertificateCredential } from "./CertificateCredential.js";

/**
 * MSAL Node's `auth.clientCertificate`. With `thumbprintSha256` MSAL signs the assertion PS256 with an
 * `x5t#S256` header; with the deprecated SHA-1 `thumbprint`, RS256 with `x5t`. `x5c` is the PEM chain in
 * one string: MSAL extracts every "BEGIN CERTIFICATE" block, in order, into the assertion's `x5c` header.
 */
export type MsalClientCertificate =
  | { thumbprintSha256: string; privateKey: string; x5c?: string }
  | { thumbprint: string; privateKey: string; x5c?: string };

export interface MsalCertificateOptions {
  /** "sha256" (PS256, `x5t#S256`) unless the authority needs SHA-1 (older ADFS). */
  thumbprint: "sha256" | "sha1";
  /** Send the chain (`x5c`): needed for subject name + issuer authentication, harmless otherwise. */
  sendX5c: boolean;
}

/** The credential as MSAL Node takes it. The result holds the private key: never log it. */
export function toMsalClientCertificate(
  credential: CertificateCredential,
  options: MsalCertificateOptions,
): MsalClientCertificate {
  const x5c = options.sendX5c ? { x5c: credential.chainPems.join("") } : {};
  return options.thumbprint === "sha256"
    ? { thumbprintSha256: credential.thumbprintSha256, privateKey: credential.privateKeyPem, ...x5c }
    : { thumbprint: credential.thumbprintSha1, privateKey: credential.privateKeyPem, ...x5c };
}
