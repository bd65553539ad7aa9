import { createHash } from "node:crypto";
import type { PublicCertificate } from "../certificate/PublicCertificate.js";
import type { CertificateSigner } from "./CertificateSigner.js";
import type { VaultKeys } from "./VaultKeys.js";

/**
 * Signs in Key Vault with the certificate's key version: the JWS signing input is hashed here (SHA-256, what PS256 and
 * RS256 sign) and only the digest goes to the vault.
 */
export function vaultSigner(
  certificate: PublicCertificate,
  keyId: string,
  keys: VaultKeys,
): CertificateSigner {
  return {
    where: "vault",
    certificate,
    keyId,
    sign: (algorithm, signingInput, call) =>
      keys.sign(keyId, algorithm, createHash("sha256").update(signingInput).digest(), call),
  };
}
