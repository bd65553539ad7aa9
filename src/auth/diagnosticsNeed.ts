import type { EndpointNeed } from "./EndpointNeed.js";

const SHOWN_MAX = 120;

/**
 * What `GET diagnostics/token?scope=` needs: a token for the configured default scope (M2M_SCOPE, also when no scope
 * is asked for) or a job's scope is a read; any other scope makes the app ask Entra ID for a token it was not set up
 * to use, so it needs an operator. Scopes compare exactly, as the token request sends them.
 */
export function diagnosticsNeed(
  scope: string | null,
  configured: { readonly scope: string; readonly jobScopes: readonly string[] },
): EndpointNeed {
  if (!scope || scope === configured.scope || configured.jobScopes.includes(scope)) return { level: "read" };
  const shown = scope.length > SHOWN_MAX ? `${scope.slice(0, SHOWN_MAX)}…` : scope;
  return {
    level: "operate",
    reason: `a token for the scope '${shown}', which is neither M2M_SCOPE nor a job's scope`,
  };
}
