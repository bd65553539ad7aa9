import type { LocalPrincipal } from "./LocalPrincipal.js";

/**
 * The headers App Service Authentication adds for a principal signed in with Microsoft Entra ID: `X-MS-CLIENT-PRINCIPAL`
 * (base64 JSON `{ auth_typ, claims: [{ typ, val }], name_typ, role_typ }`), `-ID`, `-NAME` and `-IDP`
 * (https://learn.microsoft.com/azure/app-service/configure-authentication-user-identities). As Entra ID's principals
 * do, the app roles come as claims of type `roles` while `role_typ` names the WS-Federation role claim type, and the
 * name as `name` / `preferred_username`.
 */
export function clientPrincipalHeaders(principal: LocalPrincipal): Record<string, string> {
  const json = {
    auth_typ: "aad",
    claims: [
      { typ: "name", val: principal.name },
      { typ: "preferred_username", val: principal.name },
      { typ: "http://schemas.microsoft.com/identity/claims/objectidentifier", val: principal.id },
      ...principal.roles.map((role) => ({ typ: "roles", val: role })),
      { typ: "ver", val: "2.0" },
    ],
    name_typ: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
    role_typ: "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
  };
  return {
    "x-ms-client-principal": Buffer.from(JSON.stringify(json), "utf8").toString("base64"),
    "x-ms-client-principal-id": principal.id,
    "x-ms-client-principal-name": principal.name,
    "x-ms-client-principal-idp": "aad",
  };
}
