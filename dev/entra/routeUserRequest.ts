import { authorizeGraphCall } from "./authorizeGraphCall.js";
import type { GraphContext, GraphRequest, GraphResponse } from "./graphEndpoint.js";
import { GraphError } from "./GraphError.js";
import { graphListUsers } from "./graphListUsers.js";
import type { GraphPath } from "./parseGraphPath.js";
import type { GraphCaller } from "./verifyGraphToken.js";

/**
 * Microsoft Graph v1.0 `users`: the list only (GET, paged, see graphListUsers). Checks, in order: the path, the
 * method (405), the caller's permissions (403, see authorizeGraphCall), then the query.
 */
export function routeUserRequest(
  context: GraphContext,
  request: GraphRequest,
  path: GraphPath,
  caller: GraphCaller,
): GraphResponse {
  if (path.key) {
    const segment = "id" in path.key ? path.key.id : `(appId='${path.key.appId}')`;
    throw GraphError.segmentNotFound(path.rest.at(-1) ?? segment);
  }
  if (request.method !== "GET") throw GraphError.methodNotAllowed(request.method, request.path, ["GET"]);
  authorizeGraphCall(caller, "list-users");
  return graphListUsers(context, request.query);
}
