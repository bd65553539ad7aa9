/**
 * The Azure RBAC data action a request needs, as the service names it in a ForbiddenByRbac message
 * (for example `Microsoft.KeyVault/vaults/secrets/getSecret/action`). Issuers are "certificate authorities"
 * (`certificatecas`): reading one needs `certificatecas/read` ("Read Certificate Issuer"), setting one
 * `certificatecas/write`, deleting one `certificatecas/delete`
 * (https://learn.microsoft.com/azure/role-based-access-control/permissions/security#microsoftkeyvault).
 */
export function dataActionFor(method: string, segments: string[]): string {
  const prefix = "Microsoft.KeyVault/vaults";
  if (segments[0] === "secrets") return `${prefix}/secrets/getSecret/action`;
  if (segments[1] === "issuers") {
    if (method === "GET") return `${prefix}/certificatecas/read`;
    return method === "DELETE" ? `${prefix}/certificatecas/delete` : `${prefix}/certificatecas/write`;
  }
  const third = segments[2];
  if (method === "GET") return `${prefix}/certificates/read`;
  if (third === "create" || segments[3] === "merge") return `${prefix}/certificates/create/action`;
  if (method === "DELETE" && third === "pending") return `${prefix}/certificates/delete`;
  return `${prefix}/certificates/update/action`;
}
