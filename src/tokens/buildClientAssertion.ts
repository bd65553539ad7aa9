import { X509Certificate } from "node:crypto";
import type { Deadline } from "../clock/Deadline.js";
import type { CertificateSigner } from "../credentials/signing/CertificateSigner.js";

/** Entra ID's client assertions live 10 minutes, as MSAL Node makes them. */
export const CLIENT_ASSERTION_LIFETIME_SECONDS = 10 * 60;

const b64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");

export interface ClientAssertionClaims {
  clientId: string;
  /** The token endpoint the assertion is for (MSAL passes it to the assertion callback). */
  audience: string;
  /** "sha256": PS256 with `x5t#S256`; "sha1": RS256 with `x5t` (older ADFS), as MSAL does with a certificate. */
  thumbprint: "sha256" | "sha1";
  /** Adds the certificate chain (`x5c`, base64 DER, leaf first): needed for subject name + issuer authentication. */
  sendX5c: boolean;
  now: Date;
  /** Unique per assertion. */
  jti: string;
}

/**
 * A certificate client assertion (RFC 7523 private_key_jwt, Entra ID's "certificate credential"), shaped as MSAL Node
 * shapes its own: header `alg` with the certificate's thumbprint, claims `aud` = the token endpoint, `iss` = `sub` =
 * the client id, `jti`, `nbf` = now and `exp` 10 minutes later. The signer signs it — in Key Vault for a key that
 * never leaves it — so the private key is not needed here.
 */
export async function buildClientAssertion(
  signer: CertificateSigner,
  claims: ClientAssertionClaims,
  deadline?: Deadline,
): Promise<{ jwt: string; expiresAtMs: number }> {
  const chain = signer.certificate.chainPems.map((pem) => new X509Certificate(pem).raw);
  const thumbprintHex =
    claims.thumbprint === "sha256" ? signer.certificate.thumbprintSha256 : signer.certificate.thumbprintSha1;
  const thumbprint = b64url(Buffer.from(thumbprintHex, "hex"));
  const header = {
    alg: claims.thumbprint === "sha256" ? "PS256" : "RS256",
    typ: "JWT",
    ...(claims.thumbprint === "sha256" ? { "x5t#S256": thumbprint } : { x5t: thumbprint }),
    ...(claims.sendX5c ? { x5c: chain.map((der) => der.toString("base64")) } : {}),
  } as const;
  const nbf = Math.floor(claims.now.getTime() / 1000);
  const exp = nbf + CLIENT_ASSERTION_LIFETIME_SECONDS;
  const payload = {
    aud: claims.audience,
    iss: claims.clientId,
    sub: claims.clientId,
    jti: claims.jti,
    nbf,
    iat: nbf,
    exp,
  };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = await signer.sign(header.alg, Buffer.from(input), {
    purpose: "client-assertion",
    deadline,
  });
  return { jwt: `${input}.${b64url(signature)}`, expiresAtMs: exp * 1000 };
}
