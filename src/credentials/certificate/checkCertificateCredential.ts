import { CredentialError } from "../../errors.js";
import type { CertificateCredential } from "./CertificateCredential.js";

const DAY_MS = 86_400_000;

/** Checks a parsed certificate before use: key size and validity at `now`. Pure; throws CredentialError. */
export function checkCertificateCredential(credential: CertificateCredential, now: Date): void {
  if (credential.keyBits < 2048) {
    throw new CredentialError(
      "CERTIFICATE_KEY_TOO_SMALL",
      `${credential.source} has a ${credential.keyBits}-bit RSA key; Entra ID requires at least 2048 bits. Create a new certificate with a 2048-bit (or larger) key.`,
    );
  }
  if (now.getTime() < credential.notBefore.getTime()) {
    throw new CredentialError(
      "CERTIFICATE_NOT_YET_VALID",
      `${credential.source} is not valid before ${credential.notBefore.toISOString()} (now ${now.toISOString()}). Wait until then, check the machine's clock, or use the previous version.`,
    );
  }
  if (now.getTime() >= credential.notAfter.getTime()) {
    const days = Math.floor((now.getTime() - credential.notAfter.getTime()) / DAY_MS);
    throw new CredentialError(
      "CERTIFICATE_EXPIRED",
      `${credential.source} expired on ${credential.notAfter.toISOString()} (${days} day${days === 1 ? "" : "s"} ago). Renew it in Key Vault and register the new certificate on the app registration.`,
    );
  }
}
