import type { Deadline } from "../../clock/Deadline.js";
import type { CertificateCredential } from "../certificate/CertificateCredential.js";
import type { PublicCertificate } from "../certificate/PublicCertificate.js";

/** The JWS algorithms the app signs with: PS256 for client assertions (RS256 under SHA-1 thumbprints), RS256 for Graph key proofs. */
export type JwsAlgorithm = "PS256" | "RS256";

/**
 * A certificate the app can sign with, and where its private key is.
 *
 * - `local`: the key was read (from the certificate's Key Vault secret or a file) and signs in this process; MSAL
 *   signs client assertions with it itself.
 * - `vault`: the key never leaves Key Vault; Key Vault signs digests with the certificate's key version (`keyId`,
 *   `…/keys/{name}/{version}`), which needs only the `keys/sign/action` data action (Key Vault Crypto User).
 */
export type CertificateSigner =
  | { readonly where: "local"; readonly certificate: CertificateCredential; sign: SignFunction }
  | {
      readonly where: "vault";
      readonly certificate: PublicCertificate;
      readonly keyId: string;
      sign: SignFunction;
    };

/**
 * Signs a JWS signing input (`base64url(header).base64url(claims)`) and returns the raw signature. A vault signature is
 * one Key Vault request, bounded by `deadline` when one is given.
 */
export type SignFunction = (
  algorithm: JwsAlgorithm,
  signingInput: Buffer,
  deadline?: Deadline,
) => Promise<Buffer>;
