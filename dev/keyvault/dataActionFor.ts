/**
 * The Azure RBAC data action a request needs, as the service names it in a ForbiddenByRbac message
 * (for example `Microsoft.KeyVault/vaults/secrets/getSecret/action`). Issuers are "certificate authorities"
 * (`certificatecas`): reading one needs `certificatecas/read` ("Read Certificate Issuer"), setting one
 * `certificatecas/write`, deleting one `certificatecas/delete`
 * (https://learn.microsoft.com/azure/role-based-access-control/permissions/security#microsoftkeyvault).
 * Keys: reading one (public part and attributes) needs `keys/read`; a cryptographic operation
 * `POST /keys/{name}/{version}/{operation}` needs its own action (`keys/sign/action` for sign; wrapkey and unwrapkey
 * are `keys/wrap/action` and `keys/unwrap/action`), as the same page lists them.
 */
export function dataActionFor(method: string, segments: string[]): string {
  const prefix = "Microsoft.KeyVault/vaults";
  if (segments[0] === "secrets") return `${prefix}/secrets/getSecret/action`;
  if (segments[0] === "keys") return keyDataAction(method, segments);
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

const KEY_OPERATION_ACTIONS: Record<string, string> = {
  sign: "sign/action",
  verify: "verify/action",
  encrypt: "encrypt/action",
  decrypt: "decrypt/action",
  wrapkey: "wrap/action",
  unwrapkey: "unwrap/action",
};

function keyDataAction(method: string, segments: string[]): string {
  const prefix = "Microsoft.KeyVault/vaults/keys";
  if (method === "GET") return `${prefix}/read`;
  const operation =
    segments.length === 4 ? KEY_OPERATION_ACTIONS[segments[3]?.toLowerCase() ?? ""] : undefined;
  if (method === "POST" && operation) return `${prefix}/${operation}`;
  if (method === "DELETE") return `${prefix}/delete`;
  return `${prefix}/update/action`;
}
