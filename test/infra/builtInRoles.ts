/** A built-in Azure role as Microsoft documents it: its id (the same in every tenant) and its data actions. */
export interface BuiltInRole {
  name: string;
  id: string;
  dataActions: readonly string[];
}

/**
 * The built-in roles the template assigns, and those it must never assign to the app, copied from Microsoft's
 * reference "Azure built-in roles" (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles):
 * the Security category (.../built-in-roles/security) for Key Vault, Storage (.../built-in-roles/storage) and
 * Monitor (.../built-in-roles/monitor). Ids and data actions as those pages list them (2026 revisions).
 */
export const builtInRoles = [
  {
    name: "Key Vault Certificate User",
    id: "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba",
    dataActions: [
      "Microsoft.KeyVault/vaults/certificates/read",
      "Microsoft.KeyVault/vaults/secrets/getSecret/action",
      "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
      "Microsoft.KeyVault/vaults/keys/read",
    ],
  },
  {
    name: "Key Vault Crypto User",
    id: "12338af0-0e69-4776-bea7-57ae8d297424",
    dataActions: [
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
  },
  {
    name: "Key Vault Certificates Officer",
    id: "a4417e6f-fecd-4de8-b567-7b0420556985",
    dataActions: [
      "Microsoft.KeyVault/vaults/certificatecas/*",
      "Microsoft.KeyVault/vaults/certificates/*",
      "Microsoft.KeyVault/vaults/certificatecontacts/write",
    ],
  },
  {
    name: "Key Vault Secrets User",
    id: "4633458b-17de-408a-b874-0445c86b69e6",
    dataActions: [
      "Microsoft.KeyVault/vaults/secrets/getSecret/action",
      "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
    ],
  },
  {
    name: "Key Vault Secrets Officer",
    id: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
    dataActions: ["Microsoft.KeyVault/vaults/secrets/*"],
  },
  {
    name: "Key Vault Crypto Officer",
    id: "14b46e9e-c2b7-41b4-b07b-48a6ebf60603",
    dataActions: ["Microsoft.KeyVault/vaults/keys/*", "Microsoft.KeyVault/vaults/keyrotationpolicies/*"],
  },
  {
    name: "Key Vault Administrator",
    id: "00482a5a-887f-4fb3-b363-3b7fe8e74483",
    dataActions: ["Microsoft.KeyVault/vaults/*"],
  },
  { name: "Key Vault Contributor", id: "f25e0fa2-a7c8-4377-a976-54943a77a395", dataActions: [] },
  { name: "Contributor", id: "b24988ac-6180-42a0-ab88-20f7382dd24c", dataActions: [] },
  { name: "Owner", id: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", dataActions: [] },
  {
    name: "Storage Blob Data Owner",
    id: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
    dataActions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*"],
  },
  {
    name: "Storage Blob Data Contributor",
    id: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    dataActions: [
      "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete",
      "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
      "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/move/action",
      "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
    ],
  },
  {
    name: "Storage Table Data Contributor",
    id: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
    dataActions: [
      "Microsoft.Storage/storageAccounts/tableServices/tables/entities/read",
      "Microsoft.Storage/storageAccounts/tableServices/tables/entities/write",
      "Microsoft.Storage/storageAccounts/tableServices/tables/entities/delete",
      "Microsoft.Storage/storageAccounts/tableServices/tables/entities/add/action",
      "Microsoft.Storage/storageAccounts/tableServices/tables/entities/update/action",
    ],
  },
  {
    name: "Storage Queue Data Contributor",
    id: "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
    dataActions: [
      "Microsoft.Storage/storageAccounts/queueServices/queues/messages/delete",
      "Microsoft.Storage/storageAccounts/queueServices/queues/messages/read",
      "Microsoft.Storage/storageAccounts/queueServices/queues/messages/write",
      "Microsoft.Storage/storageAccounts/queueServices/queues/messages/process/action",
    ],
  },
  {
    name: "Monitoring Metrics Publisher",
    id: "3913510d-42f4-4e42-8a64-420c390055eb",
    dataActions: ["Microsoft.Insights/Metrics/Write", "Microsoft.Insights/Telemetry/Write"],
  },
] as const satisfies readonly BuiltInRole[];

/** A documented role's name, e.g. "Key Vault Crypto User". */
export type BuiltInRoleName = (typeof builtInRoles)[number]["name"];

/** Whether `granted` (a data action, possibly ending in `*`) covers the data action `needed`. */
export function grants(granted: string, needed: string): boolean {
  return granted.endsWith("*") ? needed.startsWith(granted.slice(0, -1)) : granted === needed;
}
