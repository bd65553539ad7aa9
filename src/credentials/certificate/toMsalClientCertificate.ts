import type { NodeAuthOptions } from "@azure/msal-node";
import type { CertificateCredential } from "./CertificateCredential.js";

/**
 * MSAL's clientCertificate option: SHA-256 thumbprint (PS256 assertion with x5t#S256) by default, SHA-1 (RS256
 * with x5t) when asked; `x5c` (the PEM chain, leaf first) for subject name + issuer authentication.
 */
export function toMsalClientCertificate(
  credential: CertificateCredential,
  options: { thumbprint: "sha256" | "sha1"; sendX5c: boolean },
): NonNullable<NodeAuthOptions["clientCertificate"]> {
  return {
    ...(options.thumbprint === "sha1"
      ? { thumbprint: credential.thumbprintSha1 }
      : { thumbprintSha256: credential.thumbprintSha256 }),
    privateKey: credential.privateKeyPem,
    ...(options.sendX5c ? { x5c: credential.chainPems.join("") } : {}),
  };
}
