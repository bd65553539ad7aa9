import type { CertificateSigner } from "../credentials/signing/CertificateSigner.js";
import { buildClientAssertion, type ClientAssertionClaims } from "../tokens/buildClientAssertion.js";

/**
 * The header and claims of a client assertion exactly as the token path builds them (buildClientAssertion, shaped as
 * MSAL Node shapes its own) for showing, never for sending: nothing signs it — the signer is replaced by one that
 * returns no signature, so Key Vault is not asked and no usable assertion exists.
 */
export async function illustrativeClientAssertion(
  signer: CertificateSigner,
  claims: ClientAssertionClaims,
): Promise<{ header: Record<string, unknown>; claims: Record<string, unknown> }> {
  const unsigned: CertificateSigner = { ...signer, sign: () => Promise.resolve(Buffer.alloc(0)) };
  const { jwt } = await buildClientAssertion(unsigned, claims);
  const [header = "", payload = ""] = jwt.split(".");
  return { header: decode(header), claims: decode(payload) };
}

function decode(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
}
