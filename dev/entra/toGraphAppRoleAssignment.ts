import type { AppRoleAssignmentRecord, Directory } from "./Directory.js";

/** An appRoleAssignment as Graph serialises it (https://learn.microsoft.com/graph/api/resources/approleassignment). */
export interface GraphAppRoleAssignmentJson {
  id: string;
  deletedDateTime: null;
  appRoleId: string;
  createdDateTime: string;
  principalDisplayName: string;
  principalId: string;
  principalType: "ServicePrincipal" | "Group";
  resourceDisplayName: string;
  resourceId: string;
}

/** The directory's assignment in Graph's shape: display names and the resource's service principal id resolved. */
export function toGraphAppRoleAssignment(
  record: AppRoleAssignmentRecord,
  directory: Directory,
): GraphAppRoleAssignmentJson {
  const resource = directory.findResource(record.resourceAppId);
  const principalDisplayName =
    record.principalType === "Group"
      ? (directory.getGroup(record.principalId)?.displayName ?? "")
      : (directory.findServicePrincipal(record.principalId)?.displayName ?? "");
  return {
    id: record.id,
    deletedDateTime: null,
    appRoleId: record.appRoleId,
    createdDateTime: record.createdDateTime.replace(/\.000Z$/, "Z"),
    principalDisplayName,
    principalId: record.principalId,
    principalType: record.principalType,
    resourceDisplayName: resource?.displayName ?? "",
    resourceId: resource?.servicePrincipalObjectId ?? "",
  };
}
