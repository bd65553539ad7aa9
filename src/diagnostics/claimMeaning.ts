import type { ClaimsContext } from "./explainClaims.js";
import { isGroupsOverage } from "./isGroupsOverage.js";

/**
 * What one claim of an app-only access token means, in a sentence or two, after Microsoft's access token claims
 * reference (https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference); `claims` is the whole
 * token (the overage claim and `sub` read `oid`), `context` what the app asked for.
 */
export function claimMeaning(
  name: string,
  value: unknown,
  claims: Record<string, unknown>,
  context: ClaimsContext,
): string {
  const sp = "this app's service principal";
  switch (name) {
    case "aud":
      return (
        `The API the token is for: the resource of the scope ${context.scope} (its application ID URI in v1.0 ` +
        "tokens, its client id in v2.0). The API must refuse a token whose aud is not its own."
      );
    case "iss":
      return (
        "Who issued it: Entra ID's token service for the tenant in tid (v2.0 tokens: .../<tenant>/v2.0; v1.0: " +
        "https://sts.windows.net/<tenant>/). The API checks it against the issuers it trusts."
      );
    case "tid":
      return "The tenant that issued the token: the one in the token endpoint's URL.";
    case "appid":
    case "azp":
      return (
        `The client's application (client) id (${name === "appid" ? "v1.0 name; azp in v2.0" : "v2.0 name; appid in v1.0"}): ` +
        (value === context.clientId ? "this app, M2M_CLIENT_ID." : `not M2M_CLIENT_ID (${context.clientId}).`)
      );
    case "appidacr":
    case "azpacr":
      return `How the client authenticated: ${authentication(value)} (0 public client, 1 client secret, 2 client assertion).`;
    case "idtyp":
      return value === "app"
        ? "An app-only token: no user is involved (an optional claim the API's registration turns on)."
        : "The token's type: app for app-only tokens, user for tokens issued for a signed-in user.";
    case "roles":
      return (
        `The API's app roles (application permissions) assigned to ${sp} and consented by an admin: what the API ` +
        "authorizes by. A new assignment reaches only tokens issued after it."
      );
    case "groups":
      return (
        `Object ids of the groups ${sp} is a member of: the API's registration asks for groups ` +
        "(groupMembershipClaims, or the groups optional claim). They are not scoped to the API and overflow past " +
        "200: authorize by roles where you can."
      );
    case "_claim_names":
      return isGroupsOverage(claims)
        ? `Groups overage: ${sp} is in more than 200 groups, the most a JWT carries, so Entra ID left groups out. ` +
            `Read them from Microsoft Graph (POST /servicePrincipals/${typeof claims.oid === "string" ? claims.oid : "{oid}"}/getMemberObjects, ` +
            "which needs a Graph permission), or better: authorize by app roles, which never overflow."
        : "Claims left out of the token; _claim_sources says where to read them.";
    case "_claim_sources":
      return (
        "Where the left-out claims can be read. The URL may be Azure AD Graph's (retired): build the Microsoft " +
        "Graph request from oid instead."
      );
    case "hasgroups":
      return "The subject is in groups that did not fit (implicit flow only): read them from Microsoft Graph.";
    case "wids":
      return "Directory (Entra) role template ids of the subject (groupMembershipClaims All or DirectoryRole).";
    case "scp":
      return "Delegated scopes: a token with scp was issued for a signed-in user, not by client credentials.";
    case "oid":
      return (
        `The object id of ${sp} in this tenant (not the app registration's object id): who the caller is, as the ` +
        "API sees it. Key authorization data by it."
      );
    case "sub":
      return value === claims.oid
        ? "The subject: in an app-only token, the service principal's object id, like oid."
        : "The subject of the token: a pairwise id, unique per application.";
    case "iat":
      return "When the token was issued.";
    case "nbf":
      return "Valid from.";
    case "exp":
      return (
        "Expires. Entra ID's app-only tokens live 60 to 90 minutes; MSAL serves this one from its cache until " +
        "5 minutes before."
      );
    case "ver":
      return (
        "The token format, 1.0 or 2.0: chosen by the API's registration (requestedAccessTokenVersion), not by " +
        "the v2.0 endpoint the app calls."
      );
    case "uti":
      return "The token's identifier (Entra ID's jti).";
    case "aio":
    case "rh":
      return "Internal to Entra ID (opaque): do not use it.";
    case "xms_mirid":
      return "The managed identity's Azure resource id.";
    default:
      return "See Microsoft's access token claims reference.";
  }
}

function authentication(value: unknown): string {
  if (value === "1") return "with a client secret";
  if (value === "2")
    return "with a client assertion (a JWT signed with its certificate, or a federated token)";
  if (value === "0") return "as a public client, with no credential";
  return `with ${JSON.stringify(value)}`;
}
