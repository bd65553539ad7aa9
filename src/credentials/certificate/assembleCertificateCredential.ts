import type { KeyObject, X509Certificate } from "node:crypto";
import type { CertificateCredential } from "./CertificateCredential.js";
import { certificateError, keyNotRsaError } from "./certificateError.js";
import { certificateFacts, certificateLabel } from "./certificateFacts.js";
import { describeKey } from "./describeKey.js";
import type { MaterialParts } from "./MaterialParts.js";
import { orderChain } from "./orderChain.js";

/**
 * Chooses the leaf (the certificate whose public key matches the private key), orders the chain after
 * it and normalises the key to unencrypted PKCS#8 PEM. Throws CERTIFICATE_NO_PRIVATE_KEY,
 * CERTIFICATE_NO_CERTIFICATE, CERTIFICATE_KEY_NOT_RSA (before matching: an EC key with an RSA certificate
 * is reported as "not RSA", the more useful of the two), CERTIFICATE_KEY_MISMATCH or CERTIFICATE_UNREADABLE
 * (nothing found, or several keys).
 */
export function assembleCertificateCredential(parts: MaterialParts, source: string): CertificateCredential {
  // The same key or certificate twice (a PEM with the key in two forms, a PFX with duplicate bags) is one.
  const certificates = parts.certificates.filter(
    (certificate, index, all) =>
      all.findIndex((other) => other.fingerprint256 === certificate.fingerprint256) === index,
  );
  const keys = parts.privateKeys.filter(
    (key, index, all) => all.findIndex((other) => other.equals(key)) === index,
  );
  const [key] = keys;
  if (key === undefined && certificates.length === 0) {
    throw certificateError(
      "CERTIFICATE_UNREADABLE",
      `${source} (${parts.form}) contains neither a private key nor a certificate. Expected the ` +
        `app registration's certificate together with its private key.`,
    );
  }
  if (key === undefined) {
    throw certificateError(
      "CERTIFICATE_NO_PRIVATE_KEY",
      `${source} (${parts.form}) has ${plural(certificates.length, "certificate")} ` +
        `(${certificateList(certificates)}) but no private key. Key Vault returns a certificate this way when ` +
        `its key is not exportable: set "exportable": true in the certificate policy's key properties and ` +
        `create a new version, or import a certificate that was created exportable, with its key. For a ` +
        `file, use a PFX exported with the private key or a PEM that includes the "PRIVATE KEY" block.`,
    );
  }
  if (keys.length > 1) {
    throw certificateError(
      "CERTIFICATE_UNREADABLE",
      `${source} (${parts.form}) has ${keys.length} different private keys; expected exactly one, ` +
        `the key of the app registration's certificate. Remove the others.`,
    );
  }
  const { type: keyType, bits: keyBits, label: keyLabel } = describeKey(key);
  if (certificates.length === 0) {
    throw certificateError(
      "CERTIFICATE_NO_CERTIFICATE",
      `${source} (${parts.form}) has a private key (${keyLabel}) but no certificate. Expected the ` +
        `key together with the certificate issued for it: add the "CERTIFICATE" block(s) to the PEM, or ` +
        `export a PFX that includes the certificate.`,
    );
  }
  if (keyType !== "rsa") throw keyNotRsaError(source, keyLabel);
  const leaves = certificates.filter((certificate) => matchesKey(certificate, key));
  // Several certificates for one key (a renewal that kept the key): prefer an end-entity, then the newest.
  const leaf = leaves.sort(
    (a, b) => Number(a.ca) - Number(b.ca) || b.validToDate.getTime() - a.validToDate.getTime(),
  )[0];
  if (leaf === undefined) {
    throw certificateError(
      "CERTIFICATE_KEY_MISMATCH",
      `${source}: the private key (${keyLabel}) does not belong to any of its ` +
        `${plural(certificates.length, "certificate")}: ${certificateList(certificates)}. Expected the ` +
        `certificate issued for this key: put the matching key and certificate together (export them again ` +
        `from the same PFX or Key Vault certificate).`,
    );
  }
  const chain = orderChain(leaf, certificates);
  const facts = certificateFacts(leaf);
  return {
    source,
    privateKeyPem: key.export({ type: "pkcs8", format: "pem" }).toString(),
    chainPems: chain.map((certificate) => certificate.toString()),
    ...facts,
    keyBits,
  };
}

function matchesKey(certificate: X509Certificate, key: KeyObject): boolean {
  try {
    return certificate.checkPrivateKey(key);
  } catch {
    return false;
  }
}

/** Message text for a list of certificates: at most five, then "and N more". */
function certificateList(certificates: readonly X509Certificate[]): string {
  const labels = certificates
    .slice(0, 5)
    .map((certificate) => certificateLabel(certificateFacts(certificate)));
  const more = certificates.length > 5 ? `, and ${certificates.length - 5} more` : "";
  return labels.join(", ") + more;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
