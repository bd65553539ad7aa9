import type { CertificateCredential } from "./CertificateCredential.js";

/** A log-safe summary of a certificate: no key material. */
export function describeCertificate(
  credential: CertificateCredential,
  now = new Date(),
): Record<string, unknown> {
  return {
    source: credential.source,
    subject: credential.subject,
    issuer: credential.issuer,
    thumbprintSha1: credential.thumbprintSha1,
    thumbprintSha256: credential.thumbprintSha256,
    notBefore: credential.notBefore.toISOString(),
    notAfter: credential.notAfter.toISOString(),
    daysLeft: Math.floor((credential.notAfter.getTime() - now.getTime()) / 86_400_000),
    chainLength: credential.chainPems.length,
  };
}
