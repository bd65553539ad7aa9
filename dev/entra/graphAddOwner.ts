import type { GraphOperation, GraphResponse } from "./graphEndpoint.js";
import { GraphError } from "./GraphError.js";

const REFERENCE = /\/(?:directoryObjects|servicePrincipals|users|groups)\/([^/?#]+)$/i;

/**
 * `POST /applications/{id}/owners/$ref` with `{ "@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/{id}" }`
 * (https://learn.microsoft.com/graph/api/application-post-owners): makes the object an owner, 204. "Application owners
 * can be individual users, the associated service principal, or another service principal"; the stand-in has no
 * users, so the object must be one of the tenant's service principals (a group: 400; an unknown id: Graph's 404
 * `Request_ResourceNotFound`). An owner added again: Graph's 400 "One or more added object references already
 * exist for the following modified properties: 'owners'." The reference may name any Graph host (the stand-in's own
 * URL or graph.microsoft.com).
 */
export function graphAddOwner({ context, app, body }: GraphOperation): GraphResponse {
  const reference =
    typeof body === "object" && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)["@odata.id"]
      : undefined;
  const objectId = typeof reference === "string" ? REFERENCE.exec(reference)?.[1] : undefined;
  if (!objectId) {
    throw GraphError.badRequest(
      `Invalid object identifier '${String(reference)}'. The body must be { "@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/{id}" }.`,
    );
  }
  const principal = context.directory.findServicePrincipal(objectId);
  if (!principal) {
    if (context.directory.getGroup(objectId)) {
      throw GraphError.badRequest(
        `'${objectId}' is a group; an application's owners are users and service principals.`,
      );
    }
    throw GraphError.resourceNotFound(objectId);
  }
  if (app.owners.some((owner) => owner.toLowerCase() === principal.objectId.toLowerCase())) {
    throw GraphError.referenceExists("owners");
  }
  context.directory.addOwner(app.clientId, principal.objectId);
  return { status: 204, body: null };
}
