import type { X509Certificate } from "node:crypto";
import { certificateError } from "./certificateError.js";
import { certificateFacts } from "./certificateFacts.js";
import { describeKey } from "./describeKey.js";
import type { MaterialParts } from "./MaterialParts.js";
import { orderChain } from "./orderChain.js";
import type { PublicCertificate } from "./PublicCertificate.js";

/**
 * The public side of material without a private key: what Key Vault returns in the secret of a certificate whose key
 * is not exportable (the chain only). The leaf is `leaf` when the caller knows it (Key Vault's `cer`), else the
 * certificate that issued none of the others (the end of the path), the first of those when several qualify. Private
 * keys in `parts` are ignored. Throws CERTIFICATE_NO_CERTIFICATE when there is no certificate.
 */
export function assemblePublicCertificate(
  parts: MaterialParts,
  source: string,
  leaf?: X509Certificate,
): PublicCertificate {
  const certificates = parts.certificates.filter(
    (certificate, index, all) =>
      all.findIndex((other) => other.fingerprint256 === certificate.fingerprint256) === index,
  );
  const chosen =
    leaf ??
    certificates.find(
      (candidate) => !certificates.some((other) => other !== candidate && other.checkIssued(candidate)),
    );
  if (chosen === undefined) {
    throw certificateError(
      "CERTIFICATE_NO_CERTIFICATE",
      `${source} (${parts.form}) has no certificate. Is M2M_KEYVAULT_CERTIFICATE_NAME the name of a certificate ` +
        `(not of a plain secret)?`,
    );
  }
  const others = certificates.filter((certificate) => certificate.fingerprint256 !== chosen.fingerprint256);
  const chain = orderChain(chosen, [chosen, ...others]);
  return {
    source,
    chainPems: chain.map((certificate) => certificate.toString()),
    ...certificateFacts(chosen),
    keyBits: describeKey(chosen.publicKey).bits,
  };
}
