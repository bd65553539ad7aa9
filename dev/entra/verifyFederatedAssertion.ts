import { verifySignature, type DecodedJwt } from "../jwt.js";
import type { Directory, FederatedIdentityCredential } from "./Directory.js";
import { EntraError } from "./EntraError.js";
import type { SigningKeys } from "./SigningKeys.js";

export interface FederatedAssertionContext {
  clientId: string;
  directory: Directory;
  /** This stand-in's issuer: the only issuer whose tokens it can verify (it holds their signing keys). */
  issuer: string;
  signingKeys: SigningKeys;
  nowMs: number;
  clockToleranceSeconds: number;
}

/**
 * Checks a federated client assertion (workload identity federation): a JWT from another issuer, here a managed
 * identity token of this stand-in. Its `iss`, `sub` and one `aud` must equal those of a federated identity
 * credential of the application (exact, case-sensitive match), its signature must verify with the issuer's key and
 * it must be within its lifetime. Returns the matching credential; throws an EntraError otherwise.
 */
export function verifyFederatedAssertion(
  decoded: DecodedJwt,
  context: FederatedAssertionContext,
): FederatedIdentityCredential {
  const { claims, header } = decoded;
  const issuer = typeof claims.iss === "string" ? claims.iss : "";
  const subject = typeof claims.sub === "string" ? claims.sub : "";
  const audiences = (Array.isArray(claims.aud) ? claims.aud : [claims.aud]).filter(
    (aud): aud is string => typeof aud === "string",
  );
  const credential = context.directory
    .getApp(context.clientId)
    ?.federatedIdentityCredentials.find(
      (fic) =>
        fic.issuer === issuer && fic.subject === subject && fic.audiences.some((a) => audiences.includes(a)),
    );
  if (!credential) throw EntraError.noMatchingFederatedCredential(issuer, subject, audiences.join(","));

  if (issuer !== context.issuer) {
    // Entra ID would fetch the issuer's OIDC metadata and keys; the stand-in knows only its own.
    throw EntraError.federatedSignatureInvalid(
      `The Entra ID stand-in can only verify tokens it issued itself (issuer ${context.issuer}), not ${issuer}.`,
    );
  }
  const publicKey = header.kid ? context.signingKeys.publicKey(header.kid) : undefined;
  if (!publicKey) {
    throw EntraError.federatedSignatureInvalid(
      `The key '${header.kid ?? ""}' was not found in the issuer's keys.`,
    );
  }
  let verified: boolean;
  try {
    verified = verifySignature(decoded, publicKey.export({ format: "jwk" })); // see verifyClientAssertion
  } catch {
    verified = false;
  }
  if (!verified) {
    throw EntraError.federatedSignatureInvalid(
      "The provided signature value did not match the expected signature value.",
    );
  }

  const toleranceMs = context.clockToleranceSeconds * 1000;
  const exp = typeof claims.exp === "number" ? claims.exp : 0;
  const nbf = typeof claims.nbf === "number" ? claims.nbf : 0;
  if (exp * 1000 + toleranceMs < context.nowMs || nbf * 1000 - toleranceMs > context.nowMs) {
    throw EntraError.assertionOutOfTimeRange(new Date(context.nowMs), nbf, exp);
  }
  return credential;
}
