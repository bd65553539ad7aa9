import { constants, sign } from "node:crypto";
import type { CertificateCredential } from "../certificate/CertificateCredential.js";
import type { LocalSigner } from "./CertificateSigner.js";

/**
 * Signs in this process with the credential's private key: RS256 is RSASSA-PKCS1-v1_5 with SHA-256, PS256 RSASSA-PSS
 * with SHA-256, MGF1 and a 32-byte salt (RFC 7518 §3.5), the parameters Key Vault and Entra ID use.
 */
export function localSigner(credential: CertificateCredential): LocalSigner {
  return {
    where: "local",
    certificate: credential,
    sign(algorithm, signingInput) {
      const key =
        algorithm === "PS256"
          ? {
              key: credential.privateKeyPem,
              padding: constants.RSA_PKCS1_PSS_PADDING,
              saltLength: 32,
            }
          : { key: credential.privateKeyPem, padding: constants.RSA_PKCS1_PADDING };
      return Promise.resolve(sign("sha256", signingInput, key));
    },
  };
}
