/** Microsoft Graph's application id: the `--api` of `az ad app permission add`. */
export const GRAPH_API_ID = "00000003-0000-0000-c000-000000000000";

/**
 * The Graph application permissions (app roles) that let the app read its own registration, with their ids
 * (https://learn.microsoft.com/graph/permissions-reference): what `az ad app permission add --api-permissions
 * <id>=Role` takes.
 */
export const GRAPH_READ_PERMISSIONS = {
  "Application.ReadWrite.OwnedBy": "18a4783c-866b-4cc7-a460-3d5e5662c884",
  "Application.Read.All": "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
  "Application.ReadWrite.All": "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9",
} as const;

/**
 * Pure: what to tell a person when Graph refuses (403) the app's read of its own registration — which permission
 * reading needs (the v1.0 "Get application" table: Application.Read.All, or Application.ReadWrite.OwnedBy, or
 * Application.ReadWrite.All; addKey and removeKey need none), what the app's Graph token holds, and the `az`
 * commands that grant it. `applicationId` is how the registration is named to `az` (its appId or object id);
 * `servicePrincipalObjectId` is the token's `oid`, null when unknown.
 */
export function graphReadForbiddenFix(input: {
  applicationId: string;
  servicePrincipalObjectId: string | null;
  roles: readonly string[];
}): string {
  const id = input.applicationId;
  const owner = input.servicePrincipalObjectId ?? `$(az ad sp show --id ${id} --query id -o tsv)`;
  const allowing = input.roles.filter((role) => role in GRAPH_READ_PERMISSIONS);
  const held =
    input.roles.length === 0
      ? "Its Graph token carries no application permission (no roles claim)."
      : allowing.length === 0
        ? `Its Graph token carries ${input.roles.join(", ")}, none of which allows it.`
        : `Its Graph token carries ${allowing.join(", ")}, which should allow it: check that the permission was granted (admin consent) on this registration, in this tenant.`;
  return (
    `Reading its app registration (to see the registered keys before addKey and removeKey, which need no permission) ` +
    `needs the Microsoft Graph application permission Application.ReadWrite.OwnedBy, with the app's service principal ` +
    `an owner of the registration, or Application.Read.All. ${held} ` +
    `Fix, as an administrator: az ad app permission add --id ${id} --api ${GRAPH_API_ID} ` +
    `--api-permissions ${GRAPH_READ_PERMISSIONS["Application.ReadWrite.OwnedBy"]}=Role; ` +
    `az ad app permission admin-consent --id ${id}; ` +
    `az ad app owner add --id ${id} --owner-object-id ${owner} ` +
    `(or, read-only: --api-permissions ${GRAPH_READ_PERMISSIONS["Application.Read.All"]}=Role for Application.Read.All, and no owner). ` +
    `The app sees the permission in its next Graph token: restart it, or wait until its cached token expires (at most about an hour).`
  );
}
