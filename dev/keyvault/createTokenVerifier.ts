import type { JsonWebKey } from "node:crypto";
import { decodeJwt, verifySignature, type DecodedJwt } from "../jwt.js";

/** The audience Key Vault accepts (Entra ID writes it with or without the trailing slash). */
export const KEY_VAULT_AUDIENCE = "https://vault.azure.net";

export interface TokenVerifierOptions {
  jwksUri: string;
  issuer: string;
  now: () => number;
  /** Tolerated clock difference for `exp` and `nbf`, as Microsoft.IdentityModel's default (5 minutes). */
  clockSkewSeconds?: number;
}

/** The caller a valid token names. */
export interface Caller {
  oid: string;
  appid: string;
  tid: string;
  iss: string;
}

export type TokenCheck =
  { outcome: "missing" } | { outcome: "invalid"; message: string } | { outcome: "valid"; caller: Caller };

/**
 * Checks bearer tokens the way Key Vault does: RS256 signature against the issuer's JWKS (fetched over HTTPS,
 * cached, fetched again once when a token names an unknown `kid`), lifetime, audience and issuer. Messages
 * are the service's (AKV10022 for the audience, AKV10032 for the issuer, S2S12086 for an expired token).
 */
export function createTokenVerifier(
  options: TokenVerifierOptions,
): (authorization: string | undefined) => Promise<TokenCheck> {
  const skew = options.clockSkewSeconds ?? 300;
  let keys: Map<string, JsonWebKey> | null = null;

  async function fetchKeys(): Promise<Map<string, JsonWebKey>> {
    const response = await fetch(options.jwksUri);
    if (!response.ok) throw new Error(`GET ${options.jwksUri} answered ${response.status}`);
    const body = (await response.json()) as { keys?: (JsonWebKey & { kid?: string })[] };
    const fetched = new Map<string, JsonWebKey>();
    for (const jwk of body.keys ?? []) {
      if (jwk.kid && jwk.kty === "RSA" && jwk.n && jwk.e) {
        fetched.set(jwk.kid, { kty: "RSA", n: jwk.n, e: jwk.e });
      }
    }
    keys = fetched;
    return fetched;
  }

  async function keyFor(kid: string): Promise<JsonWebKey | undefined> {
    const known = (keys ?? (await fetchKeys())).get(kid);
    return known ?? (await fetchKeys()).get(kid);
  }

  const generic = "[AggregatedAuthenticationFailure] Error validating token: 'S2S17001'.";

  return async (authorization) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
    if (!match?.[1]) return { outcome: "missing" };
    let decoded: DecodedJwt;
    try {
      decoded = decodeJwt(match[1]);
    } catch {
      return { outcome: "invalid", message: generic };
    }
    const { header, claims } = decoded;
    if (header.alg !== "RS256" || !header.kid) return { outcome: "invalid", message: generic };
    const key = await keyFor(header.kid);
    if (!key || !verifySignature(decoded, key)) return { outcome: "invalid", message: generic };

    const nowSeconds = options.now() / 1000;
    const exp = typeof claims.exp === "number" ? claims.exp : null;
    const nbf = typeof claims.nbf === "number" ? claims.nbf : null;
    if (exp === null || exp + skew < nowSeconds) {
      return { outcome: "invalid", message: "[TokenExpired] Error validating token: 'S2S12086'." };
    }
    if (nbf !== null && nbf - skew > nowSeconds) return { outcome: "invalid", message: generic };

    const aud = typeof claims.aud === "string" ? claims.aud : JSON.stringify(claims.aud ?? null);
    if (aud !== KEY_VAULT_AUDIENCE && aud !== `${KEY_VAULT_AUDIENCE}/`) {
      return {
        outcome: "invalid",
        message: `AKV10022: Invalid audience. Expected ${KEY_VAULT_AUDIENCE}, found: ${aud}.`,
      };
    }
    const iss = typeof claims.iss === "string" ? claims.iss : "";
    if (iss !== options.issuer) {
      return {
        outcome: "invalid",
        message: `AKV10032: Invalid issuer. Expected one of ${options.issuer}, found ${iss}.`,
      };
    }
    const text = (name: string) => {
      const value = claims[name];
      return typeof value === "string" ? value : "";
    };
    return {
      outcome: "valid",
      caller: { oid: text("oid"), appid: text("appid") || text("azp"), tid: text("tid"), iss },
    };
  };
}
