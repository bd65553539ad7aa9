import { X509Certificate } from "node:crypto";
import { certificateFacts, type CertificateFacts } from "../../credentials/certificate/certificateFacts.js";

/**
 * Pure: the facts of a certificate (DER) as the commands print them, indented under their headline: subject,
 * validity, and both thumbprints in the forms people compare — SHA-1 as the portal's "Thumbprint" column shows it,
 * SHA-256 as the app's assertions (x5t#S256) and Key Vault's newer views name it. Hex, upper case, no separators.
 */
export function certificateSummary(der: Buffer): { facts: CertificateFacts; lines: string[] } {
  const facts = certificateFacts(new X509Certificate(der));
  return {
    facts,
    lines: [
      `  subject   ${facts.subject}`,
      `  valid     ${facts.notBefore.toISOString()} to ${facts.notAfter.toISOString()}`,
      `  SHA-1     ${facts.thumbprintSha1}  (the portal's Thumbprint)`,
      `  SHA-256   ${facts.thumbprintSha256}`,
    ],
  };
}
