import { decodeJwt, verifySignature, type DecodedJwt } from "../jwt.js";
import { recordSecret } from "../secrets/recordSecret.js";
import type { AppRegistration, Directory, RegisteredCertificate } from "./Directory.js";
import { GraphError } from "./GraphError.js";
import { presentedThumbprints } from "./verifyClientAssertion.js";

/** The `aud` of a key-rotation proof: the Azure AD Graph application id (not Microsoft Graph's 00000003-...). */
export const KEY_PROOF_AUDIENCE = "00000002-0000-0000-c000-000000000000";
/** The longest `exp - nbf` Graph accepts in a proof. */
export const KEY_PROOF_MAX_LIFETIME_SECONDS = 600;

export interface KeyProofContext {
  directory: Directory;
  /** The application addressed by the request: the proof must be issued by it and signed by its certificate. */
  app: AppRegistration;
  nowMs: number;
  clockToleranceSeconds: number;
}

/**
 * Checks the proof of possession of `addKey`/`removeKey` as Graph documents it: a JWT signed RS256 with the private
 * key of a certificate that is registered on the application and valid now (found by the header's `x5t#S256`,
 * `x5t` or `kid`, or else by trying each registered certificate), `aud` = 00000002-0000-0000-c000-000000000000,
 * `iss` = the application's object id, `nbf` and `exp` at most 10 minutes apart with now between them (within the
 * clock tolerance). Checks run in the order Microsoft.IdentityModel runs them: signature, lifetime, audience,
 * issuer. Returns the signing certificate; throws a GraphError that says which check failed otherwise.
 */
export function verifyKeyProof(proof: unknown, context: KeyProofContext): RegisteredCertificate {
  const { app, nowMs } = context;
  if (typeof proof !== "string" || !proof) {
    throw GraphError.badRequest(
      "The 'proof' property is required: a JWT signed with a currently valid certificate of the application (see 'Generate proof of possession tokens for rolling keys').",
    );
  }
  recordSecret("graph-key-proof", proof);
  const parts = proof.split(".");
  if (parts.length !== 3) {
    throw GraphError.proofInvalid("the proof is not a signed JWT (header.payload.signature).");
  }
  // Graph's documentation: '=' padding in the header or payload gives Authentication_MissingOrMalformed.
  if (parts[0]?.includes("=") || parts[1]?.includes("=")) {
    throw GraphError.proofInvalid(
      "the proof's header or payload contains '=' padding; a JWT uses base64url without padding.",
    );
  }
  let decoded: DecodedJwt;
  try {
    decoded = decodeJwt(proof);
  } catch {
    throw GraphError.proofInvalid("the proof's header or payload is not base64url-encoded JSON.");
  }
  const { header, claims } = decoded;
  if (header.alg !== "RS256") {
    // Graph's samples sign with X509SigningCredentials (RS256); other algorithms are refused here to be safe.
    throw GraphError.proofInvalid(`the proof is signed with '${String(header.alg)}'; sign it RS256.`);
  }

  const registered = context.directory.registeredCertificates(app.clientId);
  const isValid = (c: RegisteredCertificate) =>
    Date.parse(c.credential.startDateTime) <= nowMs && nowMs < Date.parse(c.credential.endDateTime);
  const valid = registered.filter(isValid);
  const addKeyImpossible =
    valid.length > 0
      ? ""
      : registered.length === 0
        ? ` Application ${app.objectId} has no certificate registered, so no proof can be signed and addKey is impossible: register the first certificate with PATCH /applications/${app.objectId} (Update application).`
        : ` Every certificate registered on application ${app.objectId} has expired (the last on ${lastEnd(registered)}), so no proof can be signed and addKey is impossible: register a new certificate with PATCH /applications/${app.objectId} (Update application) as an administrator.`;
  const fail = (reason: string) => GraphError.proofInvalid(reason + addKeyImpossible);
  const listed = registered.map((c) => c.thumbprintSha1).join(", ") || "none";

  const verifiesWith = (c: RegisteredCertificate) => {
    try {
      // As a JWK: dev/jwt.ts's verifySignature cannot take a public KeyObject (see verifyClientAssertion).
      return verifySignature(decoded, c.publicKey.export({ format: "jwk" }));
    } catch {
      return false;
    }
  };
  const named = namedThumbprint(header);
  let signer: RegisteredCertificate | undefined;
  if (named) {
    signer = registered.find((c) =>
      named.sha256 ? c.thumbprintSha256 === named.sha256 : c.thumbprintSha1 === named.sha1,
    );
    if (!signer) {
      throw fail(
        `the proof's header names certificate ${named.sha256 ?? named.sha1} (${named.from}), which is not registered on application ${app.objectId} (registered SHA-1 thumbprints: ${listed}).`,
      );
    }
    if (!verifiesWith(signer)) {
      throw fail(
        `the proof's signature does not verify with the public key of certificate ${signer.thumbprintSha1} named by its header (${named.from}): was it signed with that certificate's private key?`,
      );
    }
  } else {
    signer = registered.find(verifiesWith);
    if (!signer) {
      throw fail(
        `the proof's header names no certificate (x5t, x5t#S256 or kid) and its signature verifies with none of the certificates registered on application ${app.objectId} (registered SHA-1 thumbprints: ${listed}).`,
      );
    }
  }
  const { credential } = signer;
  if (Date.parse(credential.endDateTime) <= nowMs) {
    throw fail(
      `the proof is signed with certificate ${signer.thumbprintSha1} (keyId ${credential.keyId}), which expired on ${credential.endDateTime}; sign it with a currently valid certificate${valid.length ? ` (${valid.map((c) => c.thumbprintSha1).join(", ")})` : ""}.`,
    );
  }
  if (Date.parse(credential.startDateTime) > nowMs) {
    throw fail(
      `the proof is signed with certificate ${signer.thumbprintSha1} (keyId ${credential.keyId}), which is not valid before ${credential.startDateTime}.`,
    );
  }

  const toleranceSeconds = context.clockToleranceSeconds;
  const nowSeconds = nowMs / 1000;
  const { nbf, exp } = claims;
  if (typeof nbf !== "number" || typeof exp !== "number") {
    throw fail(
      "the proof must have numeric 'nbf' and 'exp' claims (Unix seconds), at most 10 minutes apart.",
    );
  }
  if (exp <= nbf) throw fail(`the proof's exp (${exp}) is not after its nbf (${nbf}).`);
  if (exp - nbf > KEY_PROOF_MAX_LIFETIME_SECONDS) {
    throw fail(
      `the proof's lifetime is ${exp - nbf} seconds (nbf ${isoSeconds(nbf)}, exp ${isoSeconds(exp)}); Graph accepts at most ${KEY_PROOF_MAX_LIFETIME_SECONDS} seconds (10 minutes).`,
    );
  }
  if (exp + toleranceSeconds < nowSeconds) {
    throw fail(`the proof expired at ${isoSeconds(exp)}; it is now ${isoSeconds(nowSeconds)}.`);
  }
  if (nbf - toleranceSeconds > nowSeconds) {
    throw fail(`the proof is not valid before ${isoSeconds(nbf)}; it is now ${isoSeconds(nowSeconds)}.`);
  }

  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(KEY_PROOF_AUDIENCE)) {
    const hint = audiences.some((aud) => typeof aud === "string" && aud.startsWith("00000003-"))
      ? " (that is Microsoft Graph's app id; the proof's audience is the Azure AD Graph app id)"
      : "";
    throw fail(
      `the proof's aud is '${audiences.map(String).join(", ")}'${hint}; it must be ${KEY_PROOF_AUDIENCE}.`,
    );
  }

  const issuer = typeof claims.iss === "string" ? claims.iss.toLowerCase() : "";
  if (issuer !== app.objectId.toLowerCase()) {
    const what = issuer === app.clientId.toLowerCase() ? ", the application's appId (client id)" : "";
    throw fail(
      `the proof's iss is '${String(claims.iss)}'${what}; it must be ${app.objectId}, the object id (id) of the application addressed.`,
    );
  }
  return signer;
}

/** The thumbprint the header names: `x5t#S256`, `x5t`, or `kid` as X509SigningCredentials writes it (SHA-1 hex). */
function namedThumbprint(
  header: DecodedJwt["header"],
): { sha1?: string; sha256?: string; from: string } | null {
  const presented = presentedThumbprints(header);
  if (presented.sha256) return { sha256: presented.sha256, from: "x5t#S256" };
  if (presented.sha1) return { sha1: presented.sha1, from: "x5t" };
  const kid = header.kid ?? "";
  if (/^[0-9a-f]{40}$/i.test(kid)) return { sha1: kid.toUpperCase(), from: "kid" };
  const bytes = Buffer.from(kid, "base64url");
  if (bytes.length === 20) return { sha1: bytes.toString("hex").toUpperCase(), from: "kid" };
  return null;
}

function lastEnd(certificates: RegisteredCertificate[]): string {
  return (
    certificates
      .map((c) => c.credential.endDateTime)
      .sort()
      .at(-1) ?? ""
  );
}

function isoSeconds(seconds: number): string {
  return new Date(Math.round(seconds) * 1000).toISOString().replace(".000Z", "Z");
}
