import { createPublicKey, X509Certificate, type KeyObject } from "node:crypto";

/** The token issuer's signing keys, by `kid`, fetched over HTTPS and cached. */
export interface JwksCache {
  /**
   * The key for `kid`. An unknown kid makes one fresh fetch (the issuer may have rolled its keys) before
   * giving up with undefined. Throws when the JWKS cannot be fetched or read.
   */
  keyFor(kid: string): Promise<KeyObject | undefined>;
  /** How many times the JWKS was fetched. */
  readonly fetches: number;
}

interface Jwk {
  kid?: unknown;
  kty?: unknown;
  use?: unknown;
  n?: unknown;
  e?: unknown;
  x5c?: unknown;
}

export function createJwksCache(jwksUri: string): JwksCache {
  let keys: Map<string, KeyObject> | null = null;
  // Concurrent requests with an unknown kid share one fetch.
  let inFlight: Promise<Map<string, KeyObject>> | null = null;
  let fetches = 0;

  function refresh(): Promise<Map<string, KeyObject>> {
    inFlight ??= load().finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  async function load(): Promise<Map<string, KeyObject>> {
    fetches += 1;
    const response = await fetch(jwksUri, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`GET ${jwksUri} answered ${response.status}`);
    const body = (await response.json()) as { keys?: unknown };
    if (!Array.isArray(body.keys)) throw new Error(`GET ${jwksUri} returned no "keys" array`);
    const loaded = new Map<string, KeyObject>();
    for (const jwk of body.keys as Jwk[]) {
      const key = toPublicKey(jwk);
      if (key && typeof jwk.kid === "string") loaded.set(jwk.kid, key);
    }
    keys = loaded;
    return loaded;
  }

  return {
    async keyFor(kid) {
      const known = (keys ?? (await refresh())).get(kid);
      return known ?? (await refresh()).get(kid);
    },
    get fetches() {
      return fetches;
    },
  };
}

/** An RSA signing key from its modulus and exponent, or else from its certificate (`x5c[0]`). */
function toPublicKey(jwk: Jwk): KeyObject | null {
  if (jwk.kty !== "RSA" || (jwk.use !== undefined && jwk.use !== "sig")) return null;
  try {
    if (typeof jwk.n === "string" && typeof jwk.e === "string") {
      return createPublicKey({ key: { kty: "RSA", n: jwk.n, e: jwk.e }, format: "jwk" });
    }
    const [first] = Array.isArray(jwk.x5c) ? (jwk.x5c as unknown[]) : [];
    if (typeof first === "string") return new X509Certificate(Buffer.from(first, "base64")).publicKey;
  } catch {
    // A key the stand-in cannot read is skipped, as a token naming it would be by a real API.
  }
  return null;
}
