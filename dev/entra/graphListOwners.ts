import type { GraphOperation, GraphResponse } from "./graphEndpoint.js";
import { toGraphServicePrincipal } from "./toGraphServicePrincipal.js";

/**
 * `GET /applications/{id}/owners`: the application's owners as directory objects, each with its `@odata.type`
 * (https://learn.microsoft.com/graph/api/application-list-owners). The stand-in's owners are service principals.
 */
export function graphListOwners({ context, app }: GraphOperation): GraphResponse {
  const value = app.owners.flatMap((objectId) => {
    const principal = context.directory.findServicePrincipal(objectId);
    if (!principal) return [];
    return [
      {
        "@odata.type": "#microsoft.graph.servicePrincipal",
        ...toGraphServicePrincipal(principal, context.directory, null),
      },
    ];
  });
  return {
    status: 200,
    body: { "@odata.context": `${context.graphBaseUrl}/$metadata#directoryObjects`, value },
  };
}
