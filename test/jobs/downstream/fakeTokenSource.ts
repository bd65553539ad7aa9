import type { Deadline } from "../../../src/clock/Deadline.js";
import type { AccessToken, TokenSource } from "../../../src/tokens/TokenSource.js";

/** A JWT-shaped (unsigned) token with the claims the failure messages read. */
export function fakeJwt(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "none", typ: "JWT" })}.${part(claims)}.c2lnbmF0dXJl`;
}

/**
 * A TokenSource that counts its calls. The first call is served "from the cache" (unless `firstFromCache` is
 * false); a forceRefresh call gets a new token. `fail` makes every call throw it; `hang` makes every call wait for
 * its deadline, as a token endpoint that never answers does (the real source bounds it the same way), naming
 * `hungEdge` (default the token endpoint; Key Vault is what a cold start's certificate load names).
 */
export function fakeTokenSource(
  options: {
    firstFromCache?: boolean;
    fail?: Error;
    roles?: string[];
    hang?: boolean;
    hungEdge?: string;
  } = {},
) {
  const calls: { scope?: string; forceRefresh?: boolean }[] = [];
  const deadlines: (Deadline | undefined)[] = [];
  const issued: string[] = [];
  const tokens: TokenSource = {
    getToken({ deadline, ...request } = {}) {
      calls.push(request);
      deadlines.push(deadline);
      if (options.fail) return Promise.reject(options.fail);
      if (options.hang) {
        if (!deadline)
          throw new Error("fakeTokenSource({ hang: true }) needs a deadline, or it would hang the test");
        return deadline.bound(
          options.hungEdge ?? "the token endpoint",
          () => new Promise<never>(() => undefined),
        );
      }
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
  return { tokens, calls, deadlines, issued };
}
