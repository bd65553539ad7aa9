import { decodeJwt, verifySignature, type JwtClaims } from "../jwt.js";

/** Why a bearer token was refused: an RFC 6750 error description and a stable code. */
export class TokenRejected extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Jwk = { kid?: string; kty: string; n?: string; e?: string };

/**
 * Validates access tokens the way a protected API does (Microsoft.Identity.Web, passport-azure-ad): RS256 signature
 * by `kid` against the issuer's JWKS (fetched over HTTPS, cached, fetched again once for an unknown kid), `iss`,
 * `aud`, `exp`/`nbf` with clock tolerance.
 */
export function jwksVerifier(options: {
  issuer: string;
  jwksUri: string;
  audience: string;
  toleranceSeconds: number;
  now: () => number;
}) {
  let keys: Jwk[] | null = null;
  const fetchKeys = async () => {
    const response = await fetch(options.jwksUri);
    if (!response.ok)
      throw new TokenRejected(
        "JwksUnavailable",
        `Signing keys unavailable (${response.status} from ${options.jwksUri})`,
      );
    keys = ((await response.json()) as { keys: Jwk[] }).keys;
    return keys;
  };
  return async function verify(token: string): Promise<JwtClaims> {
    let decoded;
    try {
      decoded = decodeJwt(token);
    } catch {
      throw new TokenRejected("MalformedToken", "The token is not a JWT");
    }
    if (decoded.header.alg !== "RS256")
      throw new TokenRejected(
        "UnsupportedAlgorithm",
        `The token's alg is ${decoded.header.alg}; expected RS256`,
      );
    const kid = decoded.header.kid;
    let key = (keys ?? (await fetchKeys())).find((k) => k.kid === kid);
    if (!key) key = (await fetchKeys()).find((k) => k.kid === kid);
    if (!key)
      throw new TokenRejected(
        "UnknownSigningKey",
        `The signing key '${kid ?? "(none)"}' is not in the issuer's JWKS`,
      );
    if (!verifySignature(decoded, key))
      throw new TokenRejected("InvalidSignature", "The token's signature is invalid");
    const { claims } = decoded;
    if (claims.iss !== options.issuer) {
      throw new TokenRejected(
        "InvalidIssuer",
        `The token's issuer is ${String(claims.iss)}; expected ${options.issuer}`,
      );
    }
    if (claims.aud !== options.audience) {
      throw new TokenRejected(
        "InvalidAudience",
        `The token's audience is ${String(claims.aud)}; expected ${options.audience}`,
      );
    }
    const now = Math.floor(options.now() / 1000);
    if (typeof claims.exp !== "number" || claims.exp + options.toleranceSeconds < now) {
      throw new TokenRejected(
        "TokenExpired",
        `The token expired at ${typeof claims.exp === "number" ? new Date(claims.exp * 1000).toISOString() : "(no exp)"}`,
      );
    }
    if (typeof claims.nbf === "number" && claims.nbf - options.toleranceSeconds > now) {
      throw new TokenRejected(
        "TokenNotYetValid",
        `The token is not valid before ${new Date(claims.nbf * 1000).toISOString()}`,
      );
    }
    return claims;
  };
}
