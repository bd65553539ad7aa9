import { decodeTokenClaims } from "../../tokens/decodeTokenClaims.js";

/**
 * The log-safe claims of an access token that explain 401s and 403s: audience, tenant and app roles — never the
 * token itself. Example: "aud api://reports, tid 72f9…, roles [Reports.Read.All]".
 */
export function tokenClaimsSummary(token: string): string {
  const claims = decodeTokenClaims(token);
  if (!claims) return "claims not readable (not a JWT)";
  const roles = Array.isArray(claims.roles)
    ? claims.roles.filter((r): r is string => typeof r === "string")
    : [];
  const aud = typeof claims.aud === "string" ? claims.aud : "?";
  const tid = typeof claims.tid === "string" ? claims.tid : "?";
  return `aud ${aud}, tid ${tid}, roles [${roles.join(", ")}]`;
}
