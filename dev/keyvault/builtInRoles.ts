/**
 * Azure's built-in Key Vault roles and the data actions each grants, as their role definitions list them
 * (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security, MicrosoftDocs/azure-docs
 * `articles/role-based-access-control/built-in-roles/security.md`, checked against the page dated 2026-02-23). A
 * role's name says less than its data actions: Key Vault Certificates Officer manages certificates and issuers
 * (`certificatecas/*`) but cannot read a secret nor use a key; Key Vault Certificate User reads certificates, secrets
 * and keys (`keys/read`) but not issuers, and cannot sign; Key Vault Crypto User signs (`keys/sign/action`) but reads
 * no certificate; Key Vault Crypto Officer may do anything with keys (`keys/*`) and key rotation policies.
 */
export const KEY_VAULT_ROLES = {
  "Key Vault Administrator": ["Microsoft.KeyVault/vaults/*"],
  "Key Vault Certificates Officer": [
    "Microsoft.KeyVault/vaults/certificatecas/*",
    "Microsoft.KeyVault/vaults/certificates/*",
    "Microsoft.KeyVault/vaults/certificatecontacts/write",
  ],
  "Key Vault Certificate User": [
    "Microsoft.KeyVault/vaults/certificates/read",
    "Microsoft.KeyVault/vaults/secrets/getSecret/action",
    "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
    "Microsoft.KeyVault/vaults/keys/read",
  ],
  "Key Vault Crypto Officer": [
    "Microsoft.KeyVault/vaults/keys/*",
    "Microsoft.KeyVault/vaults/keyrotationpolicies/*",
  ],
  "Key Vault Crypto User": [
    "Microsoft.KeyVault/vaults/keys/read",
    "Microsoft.KeyVault/vaults/keys/update/action",
    "Microsoft.KeyVault/vaults/keys/backup/action",
    "Microsoft.KeyVault/vaults/keys/encrypt/action",
    "Microsoft.KeyVault/vaults/keys/decrypt/action",
    "Microsoft.KeyVault/vaults/keys/wrap/action",
    "Microsoft.KeyVault/vaults/keys/unwrap/action",
    "Microsoft.KeyVault/vaults/keys/sign/action",
    "Microsoft.KeyVault/vaults/keys/verify/action",
  ],
  "Key Vault Reader": [
    "Microsoft.KeyVault/vaults/*/read",
    "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
  ],
  "Key Vault Secrets Officer": ["Microsoft.KeyVault/vaults/secrets/*"],
  "Key Vault Secrets User": [
    "Microsoft.KeyVault/vaults/secrets/getSecret/action",
    "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
  ],
} as const satisfies Record<string, readonly string[]>;

export type KeyVaultRole = keyof typeof KEY_VAULT_ROLES;

export const isKeyVaultRole = (name: string): name is KeyVaultRole => Object.hasOwn(KEY_VAULT_ROLES, name);

/**
 * Whether any of the roles grants the data action. A `*` in a role's data action matches any characters, as in
 * Azure RBAC (Key Vault Reader's wildcard read grants `…/certificatecas/read`); comparison ignores case.
 */
export function rolesGrant(roles: readonly KeyVaultRole[], action: string): boolean {
  return roles.some((role) =>
    KEY_VAULT_ROLES[role].some((pattern) =>
      new RegExp(
        `^${pattern
          .split("*")
          .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, "\\$&"))
          .join(".*")}$`,
        "i",
      ).test(action),
    ),
  );
}
