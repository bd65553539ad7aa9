import type { AppRole, Directory, ServicePrincipal } from "./Directory.js";

/** An app role as Graph serialises it on a service principal. */
export interface GraphAppRoleJson {
  allowedMemberTypes: string[];
  description: string;
  displayName: string;
  id: string;
  isEnabled: boolean;
  origin: "Application";
  value: string;
}

export interface GraphServicePrincipalJson {
  id?: string;
  accountEnabled?: boolean;
  alternativeNames?: string[];
  appDisplayName?: string | null;
  appId?: string;
  appRoles?: GraphAppRoleJson[];
  displayName?: string;
  servicePrincipalNames?: string[];
  servicePrincipalType?: "Application" | "ManagedIdentity";
}

/** The service principal properties the stand-in models, in Graph's order. */
export const SERVICE_PRINCIPAL_PROPERTIES = [
  "id",
  "accountEnabled",
  "alternativeNames",
  "appDisplayName",
  "appId",
  "appRoles",
  "displayName",
  "servicePrincipalNames",
  "servicePrincipalType",
] as const;
export type ServicePrincipalProperty = (typeof SERVICE_PRINCIPAL_PROPERTIES)[number];

/**
 * A service principal in Graph's representation (https://learn.microsoft.com/graph/api/resources/serviceprincipal),
 * limited to `select` (null: every modelled property). An API's principal lists its app roles and its application ID
 * URI among `servicePrincipalNames`; a managed identity is `servicePrincipalType: "ManagedIdentity"` with
 * `alternativeNames` `isExplicit=False|True` (system- or user-assigned) and its ARM resource id.
 */
export function toGraphServicePrincipal(
  principal: ServicePrincipal,
  directory: Directory,
  select: readonly ServicePrincipalProperty[] | null,
): GraphServicePrincipalJson {
  const roles: AppRole[] =
    principal.kind === "resource" ? (directory.findResource(principal.appId)?.appRoles ?? []) : [];
  const all: Required<GraphServicePrincipalJson> = {
    id: principal.objectId,
    accountEnabled: true,
    alternativeNames:
      principal.kind === "managedIdentity"
        ? [
            principal.resourceId.includes("/userAssignedIdentities/")
              ? "isExplicit=True"
              : "isExplicit=False",
            principal.resourceId,
          ]
        : [],
    appDisplayName: principal.kind === "managedIdentity" ? null : principal.displayName,
    appId: principal.appId,
    appRoles: roles.map((role) => ({
      allowedMemberTypes: [...role.allowedMemberTypes],
      description: role.displayName,
      displayName: role.displayName,
      id: role.id,
      isEnabled: role.isEnabled,
      origin: "Application",
      value: role.value,
    })),
    displayName: principal.displayName,
    servicePrincipalNames:
      principal.kind === "resource" ? [principal.appIdUri, principal.appId] : [principal.appId],
    servicePrincipalType: principal.kind === "managedIdentity" ? "ManagedIdentity" : "Application",
  };
  const selected = select ?? SERVICE_PRINCIPAL_PROPERTIES;
  return Object.fromEntries(
    SERVICE_PRINCIPAL_PROPERTIES.filter((p) => selected.includes(p)).map((p) => [p, all[p]]),
  );
}
