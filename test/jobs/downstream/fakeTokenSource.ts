import type { AccessToken, TokenSource } from "../../../src/tokens/TokenSource.js";

/** A JWT-shaped (unsigned) token with the claims the failure messages read. */
export function fakeJwt(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "none", typ: "JWT" })}.${part(claims)}.c2lnbmF0dXJl`;
}

/**
 * A TokenSource that counts its calls. The first call is served "from the cache" (unless `firstFromCache` is
 * false); a forceRefresh call gets a new token. `fail` makes every call throw it.
 */
export function fakeTokenSource(options: { firstFromCache?: boolean; fail?: Error; roles?: string[] } = {}) {
  const calls: { scope?: string; forceRefresh?: boolean }[] = [];
  const issued: string[] = [];
  const tokens: TokenSource = {
    getToken(request = {}) {
      calls.push(request);
      if (options.fail) return Promise.reject(options.fail);
      const fresh = request.forceRefresh === true || !(options.firstFromCache ?? true);
      const token = fakeJwt({
        aud: "api://reports",
        tid: "tenant-1",
        roles: options.roles ?? ["Reports.Read.All"],
        n: issued.length + 1,
      });
      issued.push(token);
      const accessToken: AccessToken = {
        token,
        expiresOn: new Date(Date.now() + 3_600_000),
        scope: request.scope ?? "api://default/.default",
        fromCache: !fresh,
        credentialId: "test-credential",
      };
      return Promise.resolve(accessToken);
    },
  };
  return { tokens, calls, issued };
}
