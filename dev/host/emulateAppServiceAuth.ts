import { clientPrincipalHeaders } from "./clientPrincipalHeaders.js";
import { localHttpResponse, type LocalHttpRequest, type LocalHttpResponse } from "./LocalHttp.js";
import type { LocalPrincipal } from "./LocalPrincipal.js";
import { parseLocalPrincipal } from "./parseLocalPrincipal.js";

/** The local host's stand-in for App Service Authentication ("Easy Auth") in front of the app. */
export interface LocalAuthentication {
  /** Signs in every request that does not sign in with the `x-local-principal` header. None: anonymous requests pass. */
  readonly principal?: LocalPrincipal;
}

/** The header a local caller signs in with (only while the emulation is on); the emulation removes it. */
export const LOCAL_PRINCIPAL_HEADER = "x-local-principal";

// "External requests aren't allowed to set these headers, so they're present only if set by App Service"
// (https://learn.microsoft.com/azure/app-service/configure-authentication-user-identities): removed from every
// incoming request while authentication is on.
const PLATFORM_HEADERS = /^x-ms-(client-principal|token-)/;

/**
 * What App Service Authentication does to a request before the Functions host sees it, with "allow unauthenticated
 * requests": it removes any `x-ms-client-principal*` / `x-ms-token-*` headers the caller sent (so they cannot be
 * forged), and for a signed-in caller adds the platform's own. A caller signs in here with the `x-local-principal`
 * header (see parseLocalPrincipal) instead of an Entra ID token; one that cannot be read is answered 401, as a bad
 * token is.
 */
export function emulateAppServiceAuth(
  request: LocalHttpRequest,
  authentication: LocalAuthentication,
): LocalHttpRequest | LocalHttpResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (!PLATFORM_HEADERS.test(name) && name !== LOCAL_PRINCIPAL_HEADER) headers[name] = value;
  }
  let principal = authentication.principal;
  const signIn = request.headers[LOCAL_PRINCIPAL_HEADER];
  if (signIn !== undefined) {
    try {
      principal = parseLocalPrincipal(signIn);
    } catch (error) {
      return localHttpResponse(
        401,
        new Headers({ "content-type": "text/plain; charset=utf-8" }),
        Buffer.from(`${LOCAL_PRINCIPAL_HEADER}: ${error instanceof Error ? error.message : String(error)}\n`),
      );
    }
  }
  return { ...request, headers: principal ? { ...headers, ...clientPrincipalHeaders(principal) } : headers };
}
