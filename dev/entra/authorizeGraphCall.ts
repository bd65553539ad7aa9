import type { AppRegistration } from "./Directory.js";
import { GraphError } from "./GraphError.js";
import type { GraphCaller } from "./verifyGraphToken.js";

/** What a Graph request does to an application, as far as permissions go. */
export type GraphOperationKind = "read" | "roll-key" | "update";

/**
 * Application permissions that allow `GET /applications/{id}` and `GET /applications(appId='…')`: the v1.0 "Get
 * application" permissions table (Application: Application.Read.All; higher: Application.ReadWrite.OwnedBy,
 * Application.ReadWrite.All), https://learn.microsoft.com/graph/api/application-get (permissions include
 * api-reference/v1.0/includes/permissions/application-get-permissions.md). There is no exception for the caller's
 * own application: an app-only token without one of these roles is refused, whoever it reads.
 *
 * Application.ReadWrite.OwnedBy reads applications it does not own too: "The Application.ReadWrite.OwnedBy permission
 * allows an app to call GET /applications and GET /servicePrincipals endpoints to list all applications and service
 * principals in the tenant. This scope of access has been allowed for the permission."
 * (https://learn.microsoft.com/graph/permissions-reference#applicationreadwriteownedby).
 */
export const GRAPH_READ_ROLES: readonly string[] = [
  "Application.Read.All",
  "Application.ReadWrite.OwnedBy",
  "Application.ReadWrite.All",
];

/**
 * Application permissions for addKey, removeKey and PATCH of an application: Application.ReadWrite.OwnedBy, then
 * Application.ReadWrite.All, Directory.ReadWrite.All (https://learn.microsoft.com/graph/api/application-addkey,
 * .../application-removekey, .../application-update). OwnedBy covers only applications whose `owners` include the
 * caller's service principal: it "cannot update any apps that it is not an owner of" (permissions reference).
 */
const WRITE_ALL_ROLES: readonly string[] = ["Application.ReadWrite.All", "Directory.ReadWrite.All"];
const WRITE_OWNED_ROLE = "Application.ReadWrite.OwnedBy";

/**
 * Throws Graph's 403 `Authorization_RequestDenied` ("Insufficient privileges to complete the operation.") unless the
 * caller's app-only token allows `operation` on `app`:
 * - read: one of {@link GRAPH_READ_ROLES}, for any application (the caller's own included);
 * - roll-key (addKey/removeKey): nothing for the caller's own application ("An application does not need any
 *   specific permission to roll its own keys", application-addkey / application-removekey: the proof of possession
 *   is the authorisation); for another one, Application.ReadWrite.All, or Application.ReadWrite.OwnedBy when the
 *   caller's service principal is one of its owners;
 * - update (PATCH): as roll-key for another application, the caller's own included.
 * A non-owner holding only OwnedBy gets the same 403 (Graph answers "Insufficient privileges to complete the
 * operation." to an OwnedBy caller updating an application it does not own: microsoftgraph/microsoft-graph-docs
 * issue 7798), not a 404: reads show the application exists.
 */
export function authorizeGraphCall(
  caller: GraphCaller,
  app: AppRegistration,
  operation: GraphOperationKind,
): void {
  const holds = (roles: readonly string[]) => caller.roles.some((role) => roles.includes(role));
  if (operation === "read") {
    if (holds(GRAPH_READ_ROLES)) return;
    throw GraphError.insufficientPrivileges();
  }
  const own = caller.appid.toLowerCase() === app.clientId.toLowerCase();
  if (operation === "roll-key" && own) return;
  if (holds(WRITE_ALL_ROLES)) return;
  const owner = caller.oid !== "" && app.owners.some((o) => o.toLowerCase() === caller.oid.toLowerCase());
  if (owner && caller.roles.includes(WRITE_OWNED_ROLE)) return;
  throw GraphError.insufficientPrivileges();
}
