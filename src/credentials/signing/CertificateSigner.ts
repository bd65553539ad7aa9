import type { Deadline } from "../../clock/Deadline.js";
import type { CertificateCredential } from "../certificate/CertificateCredential.js";
import type { PublicCertificate } from "../certificate/PublicCertificate.js";

/** The JWS algorithms the app signs with: PS256 for client assertions (RS256 under SHA-1 thumbprints), RS256 for Graph key proofs. */
export type JwsAlgorithm = "PS256" | "RS256";

/** What a signature is for: a client assertion for Entra ID, or a proof of possession for Graph's addKey/removeKey. */
export type SignPurpose = "client-assertion" | "key-proof";

/** One signature asked for: what it is for (Key Vault signatures are counted by purpose), and its deadline. */
export interface SignCall {
  purpose: SignPurpose;
  /** Bounds a Key Vault signature (one request); none: the keys client's own limits. */
  deadline?: Deadline;
}

/**
 * Signs a JWS signing input (`base64url(header).base64url(claims)`) and returns the raw signature. A vault signature is
 * one Key Vault request, bounded by `call.deadline` when one is given.
 */
export type SignFunction = (algorithm: JwsAlgorithm, signingInput: Buffer, call: SignCall) => Promise<Buffer>;

/** A key read into this process: it signs here, and needs to know nothing of the call. */
export interface LocalSigner {
  readonly where: "local";
  readonly certificate: CertificateCredential;
  sign(algorithm: JwsAlgorithm, signingInput: Buffer, call?: SignCall): Promise<Buffer>;
}

/**
 * A certificate the app can sign with, and where its private key is.
 *
 * - `local`: the key was read (from the certificate's Key Vault secret or a file) and signs in this process; MSAL
 *   signs client assertions with it itself.
 * - `vault`: the key never leaves Key Vault; Key Vault signs digests with the certificate's key version (`keyId`,
 *   `…/keys/{name}/{version}`), which needs only the `keys/sign/action` data action (Key Vault Crypto User).
 *
 * Code that signs with either says what for (a {@link SignCall}): the compiler asks it of anything that may reach Key
 * Vault.
 */
export type CertificateSigner =
  | LocalSigner
  | {
      readonly where: "vault";
      readonly certificate: PublicCertificate;
      readonly keyId: string;
      sign: SignFunction;
    };
