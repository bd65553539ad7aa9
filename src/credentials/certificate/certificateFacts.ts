import { createHash, type X509Certificate } from "node:crypto";
import { oneLineName } from "./oneLineName.js";

/** The facts about one certificate that credentials and messages use. No key material. */
export interface CertificateFacts {
  subject: string;
  issuer: string;
  serialNumber: string;
  thumbprintSha1: string;
  thumbprintSha256: string;
  notBefore: Date;
  notAfter: Date;
}

export function certificateFacts(certificate: X509Certificate): CertificateFacts {
  return {
    subject: oneLineName(certificate.subject),
    issuer: oneLineName(certificate.issuer),
    serialNumber: certificate.serialNumber.toUpperCase(),
    thumbprintSha1: createHash("sha1").update(certificate.raw).digest("hex").toUpperCase(),
    thumbprintSha256: createHash("sha256").update(certificate.raw).digest("hex").toUpperCase(),
    notBefore: certificate.validFromDate,
    notAfter: certificate.validToDate,
  };
}

/** How a message names a certificate: `"CN=app" (SHA-1 thumbprint 0A1B…)`, the form the portal shows. */
export function certificateLabel(facts: Pick<CertificateFacts, "subject" | "thumbprintSha1">): string {
  return `"${facts.subject}" (SHA-1 thumbprint ${facts.thumbprintSha1})`;
}
