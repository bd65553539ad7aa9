import type { PublicCertificate } from "./PublicCertificate.js";
import { daysLeft } from "../../certificates/daysLeft.js";

/** A log-safe description of a certificate credential: no key material. */
export type CertificateSummary = {
  source: string;
  subject: string;
  issuer: string;
  serialNumber: string;
  thumbprintSha1: string;
  thumbprintSha256: string;
  /** ISO 8601. */
  notBefore: string;
  /** ISO 8601. */
  notAfter: string;
  /** Days until notAfter as the alerts count them (src/certificates/daysLeft.ts: a part day counts as a day). */
  daysLeft: number;
  keyBits: number;
  /** Certificates sent as x5c: the leaf and its issuers. */
  chainLength: number;
};

/**
 * What to log about a certificate. `now` defaults to the system clock for callers that only log; pass the
 * app's clock where `daysLeft` matters.
 */
export function describeCertificate(
  credential: PublicCertificate,
  now: Date = new Date(),
): CertificateSummary {
  return {
    source: credential.source,
    subject: credential.subject,
    issuer: credential.issuer,
    serialNumber: credential.serialNumber,
    thumbprintSha1: credential.thumbprintSha1,
    thumbprintSha256: credential.thumbprintSha256,
    notBefore: credential.notBefore.toISOString(),
    notAfter: credential.notAfter.toISOString(),
    daysLeft: daysLeft(credential.notAfter, now),
    keyBits: credential.keyBits,
    chainLength: credential.chainPems.length,
  };
}
