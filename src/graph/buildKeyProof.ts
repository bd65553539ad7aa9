import { createHash, randomUUID, X509Certificate } from "node:crypto";
import type { Deadline } from "../clock/Deadline.js";
import type { CertificateSigner } from "../credentials/signing/CertificateSigner.js";

/** The audience Graph requires of a key-rotation proof (the Azure AD Graph application id). */
export const KEY_PROOF_AUDIENCE = "00000002-0000-0000-c000-000000000000";
/** Graph accepts proofs whose nbf..exp span at most 10 minutes. */
export const KEY_PROOF_LIFETIME_SECONDS = 10 * 60;

const b64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");

/**
 * The proof-of-possession JWT for Graph's `addKey` / `removeKey`: signed (RS256) with the key of a certificate that is
 * currently registered and valid on the application — in this process, or in Key Vault for a key that never leaves
 * it — `iss` = the application's object id (not
 * its client id), `aud` = 00000002-0000-0000-c000-000000000000, lifetime at most 10 minutes. The header carries
 * the signing certificate's thumbprint (`x5t`) so Graph can find the key.
 */
export async function buildKeyProof(
  signer: CertificateSigner,
  applicationObjectId: string,
  now: Date,
  deadline?: Deadline,
): Promise<string> {
  const leaf = signer.certificate.chainPems[0];
  if (!leaf) throw new Error(`${signer.certificate.source} has no certificate to sign a key proof with`);
  const der = new X509Certificate(leaf).raw;
  const header = { alg: "RS256", typ: "JWT", x5t: b64url(createHash("sha1").update(der).digest()) };
  // Start a little in the past so a slightly slow clock here does not make Graph see a proof from the future.
  const nbf = Math.floor(now.getTime() / 1000) - 60;
  const claims = {
    aud: KEY_PROOF_AUDIENCE,
    iss: applicationObjectId,
    nbf,
    exp: nbf + KEY_PROOF_LIFETIME_SECONDS,
    jti: randomUUID(),
  };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature = await signer.sign("RS256", Buffer.from(input), { purpose: "key-proof", deadline });
  return `${input}.${b64url(signature)}`;
}
