import { DEFAULT_ACCESS_ROLE_ID } from "./Directory.js";
import type { GraphResponse, ServicePrincipalOperation } from "./graphEndpoint.js";
import { GraphError } from "./GraphError.js";
import { toGraphAppRoleAssignment } from "./toGraphAppRoleAssignment.js";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `POST /servicePrincipals/{resource}/appRoleAssignedTo` with `{ principalId, resourceId, appRoleId }`
 * (https://learn.microsoft.com/graph/api/serviceprincipal-post-approleassignedto): grants one of the resource's app
 * roles to a service principal (an application permission) or assigns a group to it (the default access role
 * `00000000-0000-0000-0000-000000000000`; the stand-in's app roles allow only applications as members). 201 with the
 * appRoleAssignment. Refusals: `resourceId` other than the addressed principal (400); a principal the tenant does not
 * have (Graph's 404 `Request_ResourceNotFound`, as it answers before replication catches up); a role the resource
 * does not define for such a principal (400); the same role again (Graph's 400 "Permission being assigned already
 * exists on the object"). The other messages are stand-in wording.
 */
export function graphGrantAppRole({
  context,
  servicePrincipal,
  body,
}: ServicePrincipalOperation): GraphResponse {
  const input =
    typeof body === "object" && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : null;
  const guid = (property: string): string => {
    const value = input?.[property];
    if (typeof value !== "string" || !GUID.test(value)) {
      throw GraphError.badRequest(
        `The property '${property}' is required: a GUID. The body is { "principalId", "resourceId", "appRoleId" }.`,
      );
    }
    return value.toLowerCase();
  };
  const principalId = guid("principalId");
  const resourceId = guid("resourceId");
  const appRoleId = guid("appRoleId");
  if (resourceId !== servicePrincipal.objectId.toLowerCase()) {
    throw GraphError.badRequest(
      `resourceId '${resourceId}' must be the id of the service principal addressed, ${servicePrincipal.objectId}.`,
    );
  }
  const { directory } = context;
  const group = directory.getGroup(principalId);
  const principal = group ? null : directory.findServicePrincipal(principalId);
  if (!group && !principal) throw GraphError.resourceNotFound(principalId);

  const resource =
    servicePrincipal.kind === "resource" ? directory.findResource(servicePrincipal.appId) : undefined;
  const role = resource?.appRoles.find((r) => r.id.toLowerCase() === appRoleId);
  const allowed =
    appRoleId === DEFAULT_ACCESS_ROLE_ID
      ? resource !== undefined
      : role !== undefined && role.isEnabled && !group && role.allowedMemberTypes.includes("Application");
  if (!resource || !allowed) {
    throw GraphError.badRequest(
      `Permission being assigned was not found on application '${servicePrincipal.appId}': it defines no app role ${appRoleId} that a ${group ? "group" : "service principal"} can be assigned.`,
    );
  }
  const principalObjectId = group?.id ?? principal?.objectId ?? principalId;
  if (directory.findAppRoleAssignment(principalObjectId, resource.appId, appRoleId)) {
    throw GraphError.permissionExists();
  }
  const record = directory.grantAppRole({
    principalId: principalObjectId,
    resourceAppId: resource.appId,
    appRoleId: role?.id ?? DEFAULT_ACCESS_ROLE_ID,
  });
  return {
    status: 201,
    body: {
      "@odata.context": `${context.graphBaseUrl}/$metadata#servicePrincipals('${servicePrincipal.objectId}')/appRoleAssignedTo/$entity`,
      ...toGraphAppRoleAssignment(record, directory),
    },
  };
}
