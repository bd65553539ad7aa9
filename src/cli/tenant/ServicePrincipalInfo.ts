import { directoryFields } from "./directoryFields.js";

/** An app role a resource defines (Graph's `appRole`). */
export interface AppRoleInfo {
  id: string;
  value: string | null;
  allowedMemberTypes: string[];
  isEnabled: boolean;
}

/** A service principal as the tenant commands read it (`$select=id,appId,displayName,appRoles`). */
export interface ServicePrincipalInfo {
  /** Its object id: `principalId` / `resourceId` of app role assignments, an owner's id. */
  id: string;
  appId: string;
  displayName: string;
  appRoles: AppRoleInfo[];
}

/** The fields the tenant commands ask Graph for. */
export const SERVICE_PRINCIPAL_SELECT = "$select=id,appId,displayName,appRoles";

/** Pure: a Graph `servicePrincipal` object, checked (GRAPH_RESPONSE_INVALID when it is not one). */
export function parseServicePrincipal(value: unknown, what: string): ServicePrincipalInfo {
  const fields = directoryFields(value, what);
  return {
    id: fields.string("id"),
    appId: fields.string("appId"),
    displayName: fields.optionalString("displayName") ?? "",
    appRoles: fields.objects("appRoles").map((role) => ({
      id: role.string("id"),
      value: role.optionalString("value"),
      allowedMemberTypes: role.strings("allowedMemberTypes"),
      isEnabled: role.boolean("isEnabled", true),
    })),
  };
}
