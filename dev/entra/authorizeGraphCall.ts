import type { AppRegistration } from "./Directory.js";
import { GraphError } from "./GraphError.js";
import type { GraphCaller } from "./verifyGraphToken.js";

/** What a Graph request does, as far as permissions go. */
export type GraphOperationKind =
  | "read"
  | "list-applications"
  | "list-users"
  | "roll-key"
  | "update"
  | "list-owners"
  | "add-owner"
  | "list-federated-credentials"
  | "create-federated-credential"
  | "read-service-principal"
  | "list-app-role-assignments"
  | "grant-app-role";

/** One way to be allowed: every role in `all`, and with `owned` the caller's service principal owns the application. */
interface Grant {
  all: readonly string[];
  owned?: true;
}

const READ_ALL = "Application.Read.All";
const OWNED_BY = "Application.ReadWrite.OwnedBy";
const WRITE_ALL = "Application.ReadWrite.All";
const DIRECTORY_READ = "Directory.Read.All";
const DIRECTORY_WRITE = "Directory.ReadWrite.All";
const ASSIGN = "AppRoleAssignment.ReadWrite.All";
const USER_READ_ALL = "User.Read.All";
const USER_WRITE_ALL = "User.ReadWrite.All";

const any = (...roles: string[]): Grant[] => roles.map((role) => ({ all: [role] }));

/**
 * The application permissions of each operation: the "Application" row of the v1.0 API reference's permissions
 * tables (least privileged, then higher privileged), https://learn.microsoft.com/graph/api/<page>:
 * - read: application-get (Application.Read.All; Application.ReadWrite.OwnedBy, Application.ReadWrite.All). OwnedBy
 *   reads applications it does not own too: "The Application.ReadWrite.OwnedBy permission allows an app to call GET
 *   /applications and GET /servicePrincipals endpoints to list all applications and service principals in the
 *   tenant" (https://learn.microsoft.com/graph/permissions-reference#applicationreadwriteownedby). The stand-in reads
 *   the owners and federated credentials lists the same way.
 * - list-applications: application-list (Application.Read.All; Application.ReadWrite.OwnedBy,
 *   Application.ReadWrite.All, Directory.Read.All): OwnedBy lists every application, not only those it owns (above).
 * - list-users: user-list (User.Read.All; User.ReadWrite.All, Directory.Read.All, Directory.ReadWrite.All).
 *   User.ReadBasic.All is no application permission of it: Graph refuses it with 403 (learn.microsoft.com/answers/
 *   questions/6019739).
 * - update, roll-key: application-update, application-addkey, application-removekey (Application.ReadWrite.OwnedBy
 *   for applications the caller owns: it "cannot update any apps that it is not an owner of"; Application.ReadWrite.All;
 *   the stand-in also keeps Directory.ReadWrite.All, which older versions of these tables listed).
 * - list-owners: application-list-owners (Application.ReadWrite.OwnedBy; Application.Read.All,
 *   Application.ReadWrite.All, Directory.Read.All, Directory.ReadWrite.All).
 * - add-owner: application-post-owners ("Application.ReadWrite.OwnedBy and Directory.Read.All"; "Directory.Read.All
 *   and Application.ReadWrite.All", Directory.ReadWrite.All): writing the reference needs reading the directory too.
 * - list-federated-credentials: application-list-federatedidentitycredentials (Application.Read.All;
 *   Application.ReadWrite.OwnedBy, Application.ReadWrite.All).
 * - create-federated-credential: application-post-federatedidentitycredentials (Application.ReadWrite.OwnedBy;
 *   Application.ReadWrite.All).
 * - read-service-principal: serviceprincipal-get and serviceprincipal-list (Application.Read.All;
 *   Application.ReadWrite.OwnedBy, Application.ReadWrite.All, Directory.Read.All).
 * - list-app-role-assignments: serviceprincipal-list-approleassignedto (Application.Read.All;
 *   Application.ReadWrite.OwnedBy, Directory.Read.All, Application.ReadWrite.All, Directory.ReadWrite.All).
 * - grant-app-role: serviceprincipal-post-approleassignedto ("AppRoleAssignment.ReadWrite.All and
 *   Application.Read.All"; "AppRoleAssignment.ReadWrite.All and Directory.Read.All"): AppRoleAssignment.ReadWrite.All
 *   alone is refused, as reported in microsoftgraph/microsoft-graph-docs issue 12833; Application.ReadWrite.All and
 *   Directory.ReadWrite.All give nothing here without it.
 */
const PERMISSIONS: Record<GraphOperationKind, readonly Grant[]> = {
  read: any(READ_ALL, OWNED_BY, WRITE_ALL),
  "list-applications": any(READ_ALL, OWNED_BY, WRITE_ALL, DIRECTORY_READ),
  "list-users": any(USER_READ_ALL, USER_WRITE_ALL, DIRECTORY_READ, DIRECTORY_WRITE),
  update: [{ all: [OWNED_BY], owned: true }, ...any(WRITE_ALL, DIRECTORY_WRITE)],
  "roll-key": [{ all: [OWNED_BY], owned: true }, ...any(WRITE_ALL, DIRECTORY_WRITE)],
  "list-owners": any(OWNED_BY, READ_ALL, WRITE_ALL, DIRECTORY_READ, DIRECTORY_WRITE),
  "add-owner": [
    { all: [OWNED_BY, DIRECTORY_READ], owned: true },
    { all: [WRITE_ALL, DIRECTORY_READ] },
    { all: [DIRECTORY_WRITE] },
  ],
  "list-federated-credentials": any(READ_ALL, OWNED_BY, WRITE_ALL),
  "create-federated-credential": [{ all: [OWNED_BY], owned: true }, ...any(WRITE_ALL)],
  "read-service-principal": any(READ_ALL, OWNED_BY, WRITE_ALL, DIRECTORY_READ, DIRECTORY_WRITE),
  "list-app-role-assignments": any(READ_ALL, OWNED_BY, DIRECTORY_READ, WRITE_ALL, DIRECTORY_WRITE),
  "grant-app-role": [{ all: [ASSIGN, READ_ALL] }, { all: [ASSIGN, DIRECTORY_READ] }],
};

/** A ReadWrite permission includes its Read permission (a pair such as "X and Application.Read.All" accepts it). */
const IMPLIED_BY: Readonly<Record<string, string>> = {
  [READ_ALL]: WRITE_ALL,
  [DIRECTORY_READ]: DIRECTORY_WRITE,
};

/**
 * Throws Graph's 403 `Authorization_RequestDenied` ("Insufficient privileges to complete the operation.") unless the
 * caller's app-only token holds the application permissions `operation` needs (see {@link PERMISSIONS}); `app` is
 * the application addressed, for the grants that need the caller's service principal among its owners. One exception:
 * an application rolls its own keys (roll-key) with no permission at all ("An application does not need any specific
 * permission to roll its own keys", application-addkey / application-removekey: the proof of possession is the
 * authorisation). A non-owner holding only OwnedBy gets the same 403 (Graph answers "Insufficient privileges to
 * complete the operation." to an OwnedBy caller updating an application it does not own: microsoftgraph/
 * microsoft-graph-docs issue 7798), not a 404: reads show the application exists. Delegated tokens (`scp`) carry no
 * `roles`, so they are refused: the stand-in models app-only callers.
 */
export function authorizeGraphCall(
  caller: GraphCaller,
  operation: GraphOperationKind,
  app?: AppRegistration,
): void {
  if (operation === "roll-key" && app && caller.appid.toLowerCase() === app.clientId.toLowerCase()) return;
  const holds = (role: string) =>
    caller.roles.includes(role) ||
    (IMPLIED_BY[role] !== undefined && caller.roles.includes(IMPLIED_BY[role]));
  const owner =
    app !== undefined &&
    caller.oid !== "" &&
    app.owners.some((o) => o.toLowerCase() === caller.oid.toLowerCase());
  const allowed = PERMISSIONS[operation].some((grant) => grant.all.every(holds) && (!grant.owned || owner));
  if (!allowed) throw GraphError.insufficientPrivileges();
}
