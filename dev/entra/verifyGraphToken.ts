import { decodeJwt, verifySignature, type DecodedJwt } from "../jwt.js";
import { GRAPH_APP_ID } from "./Directory.js";
import { GraphError } from "./GraphError.js";
import type { SigningKeys } from "./SigningKeys.js";

/** The audiences Graph accepts: its application ID URI (v1 and v2 tokens) and its app id. */
export const GRAPH_AUDIENCES: readonly string[] = [
  "https://graph.microsoft.com",
  "https://graph.microsoft.com/",
  GRAPH_APP_ID,
];

/** Who calls Graph: the client of an app-only token and the Graph app roles it holds. */
export interface GraphCaller {
  /** `appid` (v1) or `azp` (v2): the client id of the calling application or managed identity. */
  appid: string;
  /** The caller's service principal object id (`oid`); "" when the token has none. Ownership is checked with it. */
  oid: string;
  roles: string[];
}

export interface GraphTokenContext {
  signingKeys: SigningKeys;
  tenantId: string;
  /** The stand-in's issuer: the only one whose tokens it can verify. */
  issuer: string;
  nowMs: number;
}

/**
 * Microsoft.IdentityModel's default clock skew, which Graph's token validation uses. Wider than the token
 * endpoint's tolerance for client assertions on purpose: this is the service validating its own access tokens.
 */
const CLOCK_SKEW_SECONDS = 300;

/**
 * Validates the bearer token of a Graph request: a JWT signed (RS256) by one of the stand-in's signing keys, issued
 * by the stand-in for this tenant, for Microsoft Graph, within its lifetime, naming a client. Returns the caller;
 * throws a 401 GraphError (`InvalidAuthenticationToken`) otherwise. Messages start with Graph's sentence where it is
 * known and then say what the stand-in found.
 */
export function verifyGraphToken(authorization: string | undefined, context: GraphTokenContext): GraphCaller {
  if (!authorization?.trim()) throw GraphError.tokenMissing();
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization.trim());
  if (!match?.[1]) {
    throw GraphError.tokenInvalid(
      "Access token validation failure. The Authorization header must be 'Bearer <access token>'.",
    );
  }
  let decoded: DecodedJwt;
  try {
    decoded = decodeJwt(match[1]);
  } catch {
    throw GraphError.tokenInvalid(
      "IDX14100: JWT is not well formed. The token needs to be in JWS Compact Serialization Format (header.payload.signature).",
    );
  }
  const { header, claims } = decoded;
  if (header.alg !== "RS256") {
    throw GraphError.tokenInvalid(
      `Access token validation failure. The token is signed with '${String(header.alg)}'; Entra ID access tokens are RS256.`,
    );
  }
  const publicKey = header.kid ? context.signingKeys.publicKey(header.kid) : undefined;
  if (!publicKey) {
    throw GraphError.tokenInvalid(
      `Access token validation failure. The token's signing key '${header.kid ?? ""}' is not one of the issuer's keys.`,
    );
  }
  // As a JWK: dev/jwt.ts's verifySignature cannot take a public KeyObject (see verifyClientAssertion).
  if (!verifySignature(decoded, publicKey.export({ format: "jwk" }))) {
    throw GraphError.tokenInvalid("Access token validation failure. Invalid signature.");
  }

  const nowSeconds = context.nowMs / 1000;
  if (typeof claims.exp !== "number" || claims.exp + CLOCK_SKEW_SECONDS < nowSeconds) {
    throw GraphError.tokenInvalid("Lifetime validation failed, the token is expired.");
  }
  if (typeof claims.nbf === "number" && claims.nbf - CLOCK_SKEW_SECONDS > nowSeconds) {
    throw GraphError.tokenInvalid("Lifetime validation failed, the token is not yet valid.");
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.some((aud) => typeof aud === "string" && GRAPH_AUDIENCES.includes(aud))) {
    throw GraphError.tokenInvalid(
      `Access token validation failure. Invalid audience. The token is for '${String(claims.aud)}'; request it with the scope https://graph.microsoft.com/.default.`,
    );
  }
  if (claims.tid !== context.tenantId || claims.iss !== context.issuer) {
    throw GraphError.tokenInvalid(
      `Access token validation failure. Invalid issuer or tenant: the token is from '${String(claims.iss)}' (tid '${String(claims.tid)}'), not this tenant's ${context.issuer}.`,
    );
  }
  const appid =
    typeof claims.appid === "string" ? claims.appid : typeof claims.azp === "string" ? claims.azp : "";
  if (!appid) {
    throw GraphError.tokenInvalid(
      "Access token validation failure. The token names no client (appid or azp).",
    );
  }
  const roles = Array.isArray(claims.roles)
    ? claims.roles.filter((role): role is string => typeof role === "string")
    : [];
  const oid = typeof claims.oid === "string" ? claims.oid : "";
  return { appid, oid, roles };
}
