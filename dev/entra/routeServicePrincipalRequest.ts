import { authorizeGraphCall } from "./authorizeGraphCall.js";
import type { ServicePrincipal } from "./Directory.js";
import type { GraphContext, GraphRequest, GraphResponse } from "./graphEndpoint.js";
import { GraphError } from "./GraphError.js";
import { graphGrantAppRole } from "./graphGrantAppRole.js";
import { graphListAppRoleAssignedTo } from "./graphListAppRoleAssignedTo.js";
import { graphListServicePrincipals } from "./graphListServicePrincipals.js";
import type { GraphPath } from "./parseGraphPath.js";
import { parseGraphJson } from "./parseGraphJson.js";
import { parseGraphSelect } from "./parseGraphSelect.js";
import { SERVICE_PRINCIPAL_PROPERTIES, toGraphServicePrincipal } from "./toGraphServicePrincipal.js";
import type { GraphCaller } from "./verifyGraphToken.js";

/**
 * Microsoft Graph v1.0 `servicePrincipals`: the list (`$filter`, `$select`), one principal by `{id}` or
 * `(appId='{appId}')` (`$select`), and its `appRoleAssignedTo` (GET, POST). Checks, in order: the path, the method
 * (405), that the principal exists (404), the caller's permissions (403, see authorizeGraphCall), then the body.
 */
export function routeServicePrincipalRequest(
  context: GraphContext,
  request: GraphRequest,
  path: GraphPath,
  caller: GraphCaller,
): GraphResponse {
  const sub = path.rest.join("/").toLowerCase();
  if (sub !== "" && sub !== "approleassignedto") throw GraphError.segmentNotFound(path.rest.at(-1) ?? "");
  const allowed = sub === "approleassignedto" ? ["GET", "POST"] : ["GET"];
  if (!allowed.includes(request.method)) {
    throw GraphError.methodNotAllowed(request.method, request.path, allowed);
  }
  if (!path.key) {
    if (sub !== "") throw GraphError.segmentNotFound(path.rest.at(-1) ?? "");
    authorizeGraphCall(caller, "read-service-principal");
    return graphListServicePrincipals(context, request.query);
  }
  const key = path.key;
  const servicePrincipal = findServicePrincipal(context, key);
  if (!servicePrincipal) throw GraphError.resourceNotFound("id" in key ? key.id : key.appId);

  if (sub === "") {
    authorizeGraphCall(caller, "read-service-principal");
    const select = parseGraphSelect(
      request.query.get("$select"),
      SERVICE_PRINCIPAL_PROPERTIES,
      "microsoft.graph.servicePrincipal",
    );
    return {
      status: 200,
      body: {
        "@odata.context": `${context.graphBaseUrl}/$metadata#servicePrincipals${select ? `(${select.join(",")})` : ""}/$entity`,
        ...toGraphServicePrincipal(servicePrincipal, context.directory, select),
      },
    };
  }
  if (request.method === "GET") {
    authorizeGraphCall(caller, "list-app-role-assignments");
    return graphListAppRoleAssignedTo({ context, servicePrincipal, body: undefined });
  }
  authorizeGraphCall(caller, "grant-app-role");
  return graphGrantAppRole({ context, servicePrincipal, body: parseGraphJson(request.body) });
}

function findServicePrincipal(
  context: GraphContext,
  key: { id: string } | { appId: string },
): ServicePrincipal | undefined {
  if ("id" in key) return context.directory.findServicePrincipal(key.id);
  const wanted = key.appId.toLowerCase();
  return context.directory.listServicePrincipals().find((sp) => sp.appId.toLowerCase() === wanted);
}
