import { directoryFields } from "./directoryFields.js";

/** An app role assignment (Graph's `appRoleAssignment`): `principalId` holds `appRoleId` of `resourceId`. */
export interface AppRoleAssignmentInfo {
  principalId: string;
  resourceId: string;
  appRoleId: string;
}

/** Pure: a Graph `appRoleAssignment` object, checked (GRAPH_RESPONSE_INVALID when it is not one). */
export function parseAppRoleAssignment(value: unknown, what: string): AppRoleAssignmentInfo {
  const fields = directoryFields(value, what);
  return {
    principalId: fields.string("principalId"),
    resourceId: fields.string("resourceId"),
    appRoleId: fields.string("appRoleId"),
  };
}
