import type { GraphOperation, GraphResponse } from "./graphEndpoint.js";
import { toGraphFederatedCredential } from "./toGraphFederatedCredential.js";

/** `GET /applications/{id}/federatedIdentityCredentials` (https://learn.microsoft.com/graph/api/application-list-federatedidentitycredentials). */
export function graphListFederatedCredentials({ context, app }: GraphOperation): GraphResponse {
  return {
    status: 200,
    body: {
      "@odata.context": `${context.graphBaseUrl}/$metadata#applications('${app.objectId}')/federatedIdentityCredentials`,
      value: app.federatedIdentityCredentials.map(toGraphFederatedCredential),
    },
  };
}
