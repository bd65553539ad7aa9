import { authorizeGraphCall, type GraphOperationKind } from "./authorizeGraphCall.js";
import type { AppRegistration } from "./Directory.js";
import { graphAddKey } from "./graphAddKey.js";
import { graphAddOwner } from "./graphAddOwner.js";
import { graphCreateFederatedCredential } from "./graphCreateFederatedCredential.js";
import { graphListApplications } from "./graphListApplications.js";
import type { GraphContext, GraphOperation, GraphRequest, GraphResponse } from "./graphEndpoint.js";
import { GraphError } from "./GraphError.js";
import { graphListFederatedCredentials } from "./graphListFederatedCredentials.js";
import { graphListOwners } from "./graphListOwners.js";
import { graphRemoveKey } from "./graphRemoveKey.js";
import { graphUpdateApplication } from "./graphUpdateApplication.js";
import type { GraphPath } from "./parseGraphPath.js";
import { parseGraphJson } from "./parseGraphJson.js";
import { parseGraphSelect } from "./parseGraphSelect.js";
import { APPLICATION_PROPERTIES, toGraphApplication } from "./toGraphApplication.js";
import type { GraphCaller } from "./verifyGraphToken.js";

type Handler = (operation: GraphOperation) => GraphResponse;

/** What each path under one application serves: per method, the permission it needs and the handler. */
const ROUTES: Record<string, Partial<Record<string, [GraphOperationKind, Handler]>>> = {
  "": { PATCH: ["update", graphUpdateApplication] },
  addkey: { POST: ["roll-key", graphAddKey] },
  removekey: { POST: ["roll-key", graphRemoveKey] },
  owners: { GET: ["list-owners", graphListOwners] },
  "owners/$ref": { POST: ["add-owner", graphAddOwner] },
  federatedidentitycredentials: {
    GET: ["list-federated-credentials", graphListFederatedCredentials],
    POST: ["create-federated-credential", graphCreateFederatedCredential],
  },
};

/**
 * Microsoft Graph v1.0 `applications`: the list (GET, paged, see graphListApplications), and requests under one
 * application, addressed by `{id}` or `(appId='{appId}')`: GET (with `$select`) and PATCH of the application,
 * `addKey`, `removeKey`, `owners` (GET) and `owners/$ref` (POST), and `federatedIdentityCredentials` (GET, POST). Checks, in order: the path, the method (405), that the application
 * exists (404 before permissions: whether it is the caller's own, or owned, decides what it may do), the caller's
 * permissions (403, see authorizeGraphCall), then the body.
 */
export function routeApplicationRequest(
  context: GraphContext,
  request: GraphRequest,
  path: GraphPath,
  caller: GraphCaller,
  nowMs: number,
): GraphResponse {
  if (!path.key) {
    if (request.method !== "GET") throw GraphError.methodNotAllowed(request.method, request.path, ["GET"]);
    authorizeGraphCall(caller, "list-applications");
    return graphListApplications(context, request.query);
  }
  const sub = path.rest.join("/").toLowerCase();
  const routes = ROUTES[sub];
  if (!routes) throw GraphError.segmentNotFound(path.rest.at(-1) ?? "");
  const allowed = [...(sub === "" ? ["GET"] : []), ...Object.keys(routes)];
  if (!allowed.includes(request.method)) {
    throw GraphError.methodNotAllowed(request.method, request.path, allowed);
  }
  const key = path.key;
  const app = findApplication(context, key);
  if (!app) throw GraphError.resourceNotFound("id" in key ? key.id : key.appId);

  if (sub === "" && request.method === "GET") {
    authorizeGraphCall(caller, "read", app);
    const select = parseGraphSelect(
      request.query.get("$select"),
      APPLICATION_PROPERTIES,
      "microsoft.graph.application",
    );
    return { status: 200, body: toGraphApplication(app, select, context.graphBaseUrl) };
  }
  const [operation, handler] = routes[request.method] ?? [];
  if (!operation || !handler) throw GraphError.methodNotAllowed(request.method, request.path, allowed);
  authorizeGraphCall(caller, operation, app);
  const body = request.method === "GET" ? undefined : parseGraphJson(request.body);
  return handler({ context, app, body, nowMs });
}

/** Graph ids are GUIDs, compared without regard to case. */
function findApplication(
  context: GraphContext,
  key: { id: string } | { appId: string },
): AppRegistration | undefined {
  if ("id" in key) return context.directory.findAppByObjectId(key.id);
  return context.directory.getApp(key.appId) ?? context.directory.getApp(key.appId.toLowerCase());
}
