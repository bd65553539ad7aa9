import { verifySignature, type DecodedJwt, type JwtHeader } from "../jwt.js";
import type { Directory, RegisteredCertificate } from "./Directory.js";
import { EntraError } from "./EntraError.js";
import type { ReplayLedger } from "./ReplayLedger.js";

export interface ClientAssertionContext {
  clientId: string;
  directory: Directory;
  /** The token endpoint URLs the assertion's `aud` may name. */
  audiences: string[];
  nowMs: number;
  clockToleranceSeconds: number;
  /** Rejects a `jti` seen before when given (stand-in option; Entra ID does not). */
  replayLedger: ReplayLedger | null;
}

/** The thumbprints an assertion's header names, as upper-case hex. */
export interface PresentedThumbprints {
  sha1?: string;
  sha256?: string;
}

/** Reads `x5t#S256` and `x5t` (base64url) from a JWS header as upper-case hex. */
export function presentedThumbprints(header: JwtHeader): PresentedThumbprints {
  const hex = (value: string | undefined) =>
    typeof value === "string" && value
      ? Buffer.from(value, "base64url").toString("hex").toUpperCase()
      : undefined;
  const sha256 = hex(header["x5t#S256"]);
  const sha1 = hex(header.x5t);
  return { ...(sha256 ? { sha256 } : {}), ...(sha1 ? { sha1 } : {}) };
}

/**
 * Checks a certificate client assertion (private_key_jwt) the way Entra ID does: `iss` = `sub` = client id, `aud` =
 * the token endpoint, `nbf`/`exp` within the clock tolerance, a header thumbprint (`x5t#S256` preferred, else `x5t`)
 * naming a key credential of the application that is within its start and end dates, and a signature that verifies
 * with that certificate's public key. Returns the registered certificate; throws an EntraError otherwise.
 */
export function verifyClientAssertion(
  decoded: DecodedJwt,
  context: ClientAssertionContext,
): RegisteredCertificate {
  const { claims, header } = decoded;
  const { clientId, nowMs } = context;
  const toleranceMs = context.clockToleranceSeconds * 1000;

  if (claims.sub !== claims.iss) throw EntraError.assertionSubjectMismatch();
  if (claims.iss !== clientId) throw EntraError.assertionClientMismatch();

  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.some((aud) => typeof aud === "string" && context.audiences.includes(aud))) {
    throw EntraError.assertionAudienceMismatch();
  }

  const exp = typeof claims.exp === "number" ? claims.exp : 0;
  const nbf = typeof claims.nbf === "number" ? claims.nbf : 0;
  if (exp * 1000 + toleranceMs < nowMs || nbf * 1000 - toleranceMs > nowMs) {
    throw EntraError.assertionOutOfTimeRange(new Date(nowMs), nbf, exp);
  }

  const thumbprints = presentedThumbprints(header);
  const shown = thumbprints.sha256 ?? thumbprints.sha1;
  if (!shown) throw EntraError.assertionWithoutThumbprint();
  const registered = context.directory.findCertificate(clientId, thumbprints);
  if (!registered) throw EntraError.keyNotFound(shown, clientId);

  const { credential } = registered;
  if (Date.parse(credential.endDateTime) <= nowMs) {
    throw EntraError.keyOutsideValidity(shown, credential, clientId, true);
  }
  if (Date.parse(credential.startDateTime) > nowMs) {
    throw EntraError.keyOutsideValidity(shown, credential, clientId, false);
  }

  let verified: boolean;
  try {
    // As a JWK: dev/jwt.ts's verifySignature cannot take a public KeyObject (createPublicKey rejects one).
    verified = verifySignature(decoded, registered.publicKey.export({ format: "jwk" }));
  } catch {
    verified = false; // an algorithm other than RS256/PS256
  }
  if (!verified) throw EntraError.signatureInvalid(shown, credential, clientId);

  if (context.replayLedger) {
    const jti = typeof claims.jti === "string" ? claims.jti : "";
    if (!context.replayLedger.use(`${clientId}/${jti}`, exp * 1000 + toleranceMs, nowMs)) {
      throw EntraError.assertionReplayed(jti);
    }
  }
  return registered;
}
