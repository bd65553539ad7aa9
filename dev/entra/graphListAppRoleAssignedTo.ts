import type { GraphResponse, ServicePrincipalOperation } from "./graphEndpoint.js";
import { toGraphAppRoleAssignment } from "./toGraphAppRoleAssignment.js";

/**
 * `GET /servicePrincipals/{id}/appRoleAssignedTo` (https://learn.microsoft.com/graph/api/serviceprincipal-list-approleassignedto):
 * the app roles of this resource granted to principals, in assignment order. A principal that defines no app roles
 * (an application's or a managed identity's) has none assigned to it.
 */
export function graphListAppRoleAssignedTo({
  context,
  servicePrincipal,
}: ServicePrincipalOperation): GraphResponse {
  const assignments =
    servicePrincipal.kind === "resource"
      ? context.directory.appRoleAssignmentsTo(servicePrincipal.appId)
      : [];
  return {
    status: 200,
    body: {
      "@odata.context": `${context.graphBaseUrl}/$metadata#servicePrincipals('${servicePrincipal.objectId}')/appRoleAssignedTo`,
      value: assignments.map((a) => toGraphAppRoleAssignment(a, context.directory)),
    },
  };
}
