import { decodeJwt, verifySignature, type DecodedJwt, type JwtClaims } from "../jwt.js";
import { createJwksCache } from "./createJwksCache.js";

export interface BearerVerifierOptions {
  issuer: string;
  jwksUri: string;
  audience: string;
  clockToleranceSeconds: number;
  now: () => number;
}

/** Why a token was refused; the `code` of the 401 body. */
export type InvalidTokenCode =
  | "MalformedToken"
  | "UnsupportedAlgorithm"
  | "MissingKeyId"
  | "SigningKeysUnavailable"
  | "SignatureKeyNotFound"
  | "InvalidSignature"
  | "MissingExpiry"
  | "TokenExpired"
  | "TokenNotYetValid"
  | "InvalidAudience"
  | "InvalidIssuer";

export type BearerCheck =
  | { outcome: "missing"; message: string }
  | { outcome: "invalid"; code: InvalidTokenCode; message: string }
  | { outcome: "valid"; claims: JwtClaims; appid: string | null; roles: string[] };

export interface BearerVerifier {
  /** Checks the Authorization header's value. Never throws: every failure is an outcome. */
  verify(authorization: string | undefined): Promise<BearerCheck>;
  /** How many times the JWKS was fetched. */
  readonly jwksFetches: number;
}

/**
 * Validates bearer tokens as a protected API does (Microsoft.Identity.Web, passport-azure-ad): RS256 only,
 * signature with the issuer's JWKS key named by `kid`, then lifetime (with clock tolerance), audience and issuer.
 * Messages say what failed, with expected and actual values.
 */
export function createBearerVerifier(options: BearerVerifierOptions): BearerVerifier {
  const jwks = createJwksCache(options.jwksUri);
  const tolerance = options.clockToleranceSeconds;

  async function verify(authorization: string | undefined): Promise<BearerCheck> {
    if (!authorization?.trim()) {
      return {
        outcome: "missing",
        message: "The request has no Authorization header; send 'Authorization: Bearer <access token>'.",
      };
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match?.[1]) {
      const scheme = authorization.trim().split(/\s+/)[0] ?? "";
      return {
        outcome: "missing",
        message: `The Authorization header is not a bearer token (scheme '${scheme}'); send 'Authorization: Bearer <access token>'.`,
      };
    }
    let decoded: DecodedJwt;
    try {
      decoded = decodeJwt(match[1]);
    } catch {
      return invalid(
        "MalformedToken",
        "The bearer token is not a JWT: expected three base64url parts (header.payload.signature) with JSON header and payload.",
      );
    }
    const { header, claims } = decoded;
    if (header.alg !== "RS256") {
      return invalid(
        "UnsupportedAlgorithm",
        `The token is signed with alg '${String(header.alg)}'; this API accepts RS256 only.`,
      );
    }
    if (!header.kid)
      return invalid("MissingKeyId", "The token header has no kid, so no signing key can be chosen.");
    let key;
    try {
      key = await jwks.keyFor(header.kid);
    } catch (error) {
      return invalid(
        "SigningKeysUnavailable",
        `The API could not get the issuer's signing keys from ${options.jwksUri}: ${error instanceof Error ? error.message : String(error)}.`,
      );
    }
    if (!key) {
      return invalid(
        "SignatureKeyNotFound",
        `The signature key was not found: kid '${header.kid}' is not in the issuer's keys at ${options.jwksUri} (fetched again to be sure).`,
      );
    }
    let signed = false;
    try {
      signed = verifySignature(decoded, key);
    } catch {
      signed = false;
    }
    if (!signed) {
      return invalid(
        "InvalidSignature",
        `The signature is invalid: the token was not signed by the key with kid '${header.kid}' published at ${options.jwksUri}.`,
      );
    }

    const nowSeconds = options.now() / 1000;
    const exp = typeof claims.exp === "number" ? claims.exp : null;
    const nbf = typeof claims.nbf === "number" ? claims.nbf : null;
    if (exp === null) return invalid("MissingExpiry", "The token has no exp (expiration time) claim.");
    if (exp + tolerance < nowSeconds) {
      return invalid(
        "TokenExpired",
        `The token expired at ${iso(exp)}; it is now ${iso(nowSeconds)} (clock tolerance ${tolerance} s). Acquire a new token.`,
      );
    }
    if (nbf !== null && nbf - tolerance > nowSeconds) {
      return invalid(
        "TokenNotYetValid",
        `The token is not valid before ${iso(nbf)}; it is now ${iso(nowSeconds)} (clock tolerance ${tolerance} s).`,
      );
    }
    const audiences = Array.isArray(claims.aud) ? (claims.aud as unknown[]) : [claims.aud];
    if (!audiences.includes(options.audience)) {
      return invalid(
        "InvalidAudience",
        `The audience '${audiences.map(String).join("', '")}' is invalid: expected '${options.audience}'. Request the token with scope '${options.audience}/.default'.`,
      );
    }
    if (claims.iss !== options.issuer) {
      return invalid(
        "InvalidIssuer",
        `The issuer '${String(claims.iss)}' is invalid: expected '${options.issuer}'. Is the token from the right tenant and authority?`,
      );
    }
    const appid = text(claims.appid) ?? text(claims.azp);
    const roles = Array.isArray(claims.roles)
      ? claims.roles.filter((role): role is string => typeof role === "string")
      : [];
    return { outcome: "valid", claims, appid, roles };
  }

  return {
    verify,
    get jwksFetches() {
      return jwks.fetches;
    },
  };
}

function invalid(code: InvalidTokenCode, message: string): BearerCheck {
  return { outcome: "invalid", code, message };
}

function iso(seconds: number): string {
  return new Date(Math.round(seconds * 1000)).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function text(value: unknown): string | null {
  return typeof value === "string" && value ? value : null;
}
