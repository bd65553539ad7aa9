import { readFile } from "node:fs/promises";
import {
  GROUP_MEMBERSHIP_CLAIMS,
  type GroupMembershipClaims,
  type NewDirectoryUser,
} from "./entra/Directory.js";
import { isKeyVaultRole, KEY_VAULT_ROLES, type KeyVaultRole } from "./keyvault/builtInRoles.js";
import type { CreateCompletion } from "./keyvault/createVaultStore.js";

/** A local world for the stand-ins, seeded at start. See scenarios/default.json. */
export interface Scenario {
  tenantId: string;
  app: {
    displayName: string;
    clientId: string;
    objectId: string;
    /** Create a client secret (its value is handed to the app as M2M_CLIENT_SECRET when that mode is chosen). */
    clientSecret: boolean;
    /** Trust the stand-in's managed identity as a federated credential. */
    federatedWithManagedIdentity: boolean;
    /**
     * Make the app's own service principal an owner of its registration (`az ad app owner add`), as
     * Application.ReadWrite.OwnedBy needs for changes to it. Default false.
     */
    servicePrincipalIsOwner?: boolean;
  };
  /**
   * An administrator's app registration, for setting the tenant up the way a person would (`m2m app register-cert`,
   * `m2m app grant`): it gets a client secret (StandIns.admin) and these Microsoft Graph application permissions,
   * e.g. Application.ReadWrite.All, AppRoleAssignment.ReadWrite.All and Directory.Read.All (adding an owner needs
   * Directory.Read.All besides Application.ReadWrite.All). `vaultRoles`: its built-in roles on the vault.
   */
  admin?: {
    displayName: string;
    clientId: string;
    objectId?: string;
    graphRoles: string[];
    vaultRoles?: KeyVaultRole[];
  };
  resources: {
    appIdUri: string;
    roles: string[];
    /** The API's application (client) id; generated when absent. */
    appId?: string;
    displayName?: string;
    /**
     * The API application's manifest `groupMembershipClaims` (default "None"): with "SecurityGroup" or "All" its
     * tokens carry `groups`, the object ids of the client's service principal's groups.
     */
    groupMembershipClaims?: GroupMembershipClaims;
    /** Groups (by `displayName` in `groups`) assigned to the API's enterprise application: what "ApplicationGroup" emits. */
    assignedGroups?: string[];
  }[];
  /**
   * Groups of the tenant and their members: "app" (the app's service principal), "admin", "managedIdentity" (the
   * Function app's system-assigned identity) or "group:<displayName>" (nesting). `securityEnabled` defaults to true;
   * false makes a distribution list (which only "All" emits).
   */
  groups?: { displayName: string; id?: string; securityEnabled?: boolean; members: string[] }[];
  /**
   * Users of the tenant, what Graph's `GET /users` pages through (reading them needs User.Read.All or a directory
   * permission in `roleAssignments`). `id` is generated when absent; `accountEnabled` defaults to true.
   */
  users?: NewDirectoryUser[];
  /**
   * App roles granted to the app (admin-consented application permissions), by resource: the downstream API's, and
   * Microsoft Graph's (`https://graph.microsoft.com`: Application.ReadWrite.OwnedBy or Application.Read.All, which
   * reading the app registration needs).
   */
  roleAssignments: { resource: string; roles: string[] }[];
  /** The scope the app asks for by default. */
  scope: string;
  /** Job definitions as in M2M_JOBS; "{downstream}" in a URL is replaced by the downstream stand-in's URL. */
  jobs?: unknown[];
  vault: {
    /**
     * The app's certificate in the vault (M2M_KEYVAULT_CERTIFICATE_NAME): by default the first of `certificates`;
     * required when the vault starts empty (a tenant the bootstrap has yet to set up).
     */
    certificateName?: string;
    certificates: {
      name: string;
      subject: string;
      validDays: number;
      contentType: "application/x-pem-file" | "application/x-pkcs12";
      /** Register the certificate's public key on the app registration (otherwise Entra ID will not know it). */
      registerOnApp: boolean;
      /**
       * The Key Vault policy's issuer (default "Self"): "Self", "Unknown" (a person merges a CSR), or the name of an
       * issuer object in `issuers` — Key Vault renews by itself only for a partnered provider (DigiCert, GlobalSign).
       */
      issuerName?: string;
      /** What a renewal issues (the policy's validity_months); default: derived from `validDays`, as Key Vault does. */
      policyValidityMonths?: number;
      /**
       * The policy's `key_props.exportable` (default true). False: the secret holds only the public certificate chain
       * and the private key stays in the vault, where the key `/keys/{name}/{version}` signs with it (renewals keep
       * the flag, as they keep the policy).
       */
      exportable?: boolean;
    }[];
    /** Certificate issuer objects (`az keyvault certificate issuer create`): a name and its provider. */
    issuers?: { name: string; provider: string }[];
    /**
     * The app's managed identity's built-in roles on the vault (Azure RBAC). Default: Key Vault Certificates Officer
     * (certificates and issuers: read, create versions) and Key Vault Secrets User (the certificate's secret: its key).
     * Signing with a non-exportable certificate's key needs `keys/sign/action`: for example Key Vault Certificate User
     * (certificates, secrets, keys/read) with Key Vault Crypto User.
     */
    identityRoles?: KeyVaultRole[];
    /** When a create the vault issues itself completes (default "after-delay"); the others provoke races in tests. */
    createCompletion?: CreateCompletion;
  };
}

/** What a deployment grants the app's identity on its vault (see the README's "What a deployment needs"). */
export const DEFAULT_IDENTITY_ROLES: readonly KeyVaultRole[] = [
  "Key Vault Certificates Officer",
  "Key Vault Secrets User",
];

/** Reads and checks a scenario file; errors name the file and the field. */
export async function readScenario(path: string): Promise<Scenario> {
  const value: unknown = JSON.parse(await readFile(path, "utf8"));
  const fail = (field: string, expected: string): never => {
    throw new Error(`${path}: ${field} must be ${expected}`);
  };
  if (!value || typeof value !== "object") fail("the document", "a JSON object");
  const s = value as Scenario;
  if (typeof s.tenantId !== "string") fail("tenantId", "a GUID string");
  if (typeof s.app?.clientId !== "string") fail("app.clientId", "a GUID string");
  if (typeof s.scope !== "string" || !s.scope.endsWith("/.default")) fail("scope", "'<resource>/.default'");
  if (!Array.isArray(s.resources)) fail("resources", "an array");
  if (!Array.isArray(s.roleAssignments)) fail("roleAssignments", "an array");
  if (s.app.servicePrincipalIsOwner !== undefined && typeof s.app.servicePrincipalIsOwner !== "boolean") {
    fail("app.servicePrincipalIsOwner", "true or false");
  }
  if (!Array.isArray(s.vault?.certificates)) {
    fail("vault.certificates", "an array (the first one is the app's credential; empty for an empty vault)");
  }
  if (s.vault.certificateName !== undefined && typeof s.vault.certificateName !== "string") {
    fail("vault.certificateName", "a certificate name");
  }
  if (s.vault.certificates.length === 0 && !s.vault.certificateName) {
    fail(
      "vault.certificateName",
      "set when vault.certificates is empty (the name the app's certificate will have)",
    );
  }
  checkTenantObjects(s, fail);
  checkUsers(s, fail);
  s.vault.certificates.forEach((c, i) => {
    if (c?.exportable !== undefined && typeof c.exportable !== "boolean") {
      fail(`vault.certificates[${i}].exportable`, "true or false");
    }
  });
  if (s.vault.identityRoles !== undefined) {
    const roles: unknown = s.vault.identityRoles;
    if (!Array.isArray(roles) || !roles.every((r) => typeof r === "string" && isKeyVaultRole(r))) {
      fail(
        "vault.identityRoles",
        `an array of built-in role names (${Object.keys(KEY_VAULT_ROLES).join(", ")})`,
      );
    }
  }
  if (
    s.vault.issuers !== undefined &&
    (!Array.isArray(s.vault.issuers) ||
      !s.vault.issuers.every((i) => typeof i?.name === "string" && typeof i.provider === "string"))
  ) {
    fail("vault.issuers", 'an array of { "name": string, "provider": string }');
  }
  return s;
}

const MEMBER = /^(app|admin|managedIdentity|group:.+)$/;

/** Checks the admin, the resources' group settings and the groups, with the same `fail`. */
function checkTenantObjects(s: Scenario, fail: (field: string, expected: string) => never): void {
  if (s.admin !== undefined) {
    if (typeof s.admin?.clientId !== "string") fail("admin.clientId", "a GUID string");
    if (typeof s.admin.displayName !== "string") fail("admin.displayName", "a string");
    if (!Array.isArray(s.admin.graphRoles) || !s.admin.graphRoles.every((r) => typeof r === "string")) {
      fail("admin.graphRoles", "an array of Microsoft Graph application permissions");
    }
    const vaultRoles: unknown = s.admin.vaultRoles;
    if (
      vaultRoles !== undefined &&
      (!Array.isArray(vaultRoles) || !vaultRoles.every((r) => typeof r === "string" && isKeyVaultRole(r)))
    ) {
      fail(
        "admin.vaultRoles",
        `an array of built-in role names (${Object.keys(KEY_VAULT_ROLES).join(", ")})`,
      );
    }
  }
  const groupNames = (s.groups ?? []).map((g) => g?.displayName);
  s.resources.forEach((r, i) => {
    if (
      r?.groupMembershipClaims !== undefined &&
      !GROUP_MEMBERSHIP_CLAIMS.includes(r.groupMembershipClaims)
    ) {
      fail(`resources[${i}].groupMembershipClaims`, `one of ${GROUP_MEMBERSHIP_CLAIMS.join(", ")}`);
    }
    const unknown = (r?.assignedGroups ?? []).filter((name) => !groupNames.includes(name));
    if (unknown.length > 0)
      fail(`resources[${i}].assignedGroups`, `names of groups in "groups" (not ${unknown.join(", ")})`);
  });
  if (s.groups === undefined) return;
  if (!Array.isArray(s.groups)) fail("groups", "an array");
  s.groups.forEach((g, i) => {
    if (typeof g?.displayName !== "string") fail(`groups[${i}].displayName`, "a string");
    if (g.securityEnabled !== undefined && typeof g.securityEnabled !== "boolean") {
      fail(`groups[${i}].securityEnabled`, "true or false");
    }
    const members: unknown = g.members;
    if (
      !Array.isArray(members) ||
      !members.every(
        (m) =>
          typeof m === "string" &&
          MEMBER.test(m) &&
          (!m.startsWith("group:") || groupNames.includes(m.slice("group:".length))) &&
          (m !== "admin" || s.admin !== undefined),
      )
    ) {
      fail(
        `groups[${i}].members`,
        `an array of "app", "admin" (with an admin), "managedIdentity" or "group:<displayName of a group>"`,
      );
    }
  });
}

const UPN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const USER_TEXT_FIELDS = ["id", "givenName", "surname", "mail", "jobTitle"] as const;

/** Checks the users, with the same `fail`: each has a display name and a distinct `name@domain` principal name. */
function checkUsers(s: Scenario, fail: (field: string, expected: string) => never): void {
  if (s.users === undefined) return;
  if (!Array.isArray(s.users)) fail("users", "an array");
  const seen = new Set<string>();
  s.users.forEach((u, i) => {
    if (typeof u?.displayName !== "string") fail(`users[${i}].displayName`, "a string");
    if (typeof u.userPrincipalName !== "string" || !UPN.test(u.userPrincipalName)) {
      fail(`users[${i}].userPrincipalName`, "name@domain, e.g. ada@contoso.onmicrosoft.com");
    }
    if (seen.has(u.userPrincipalName.toLowerCase())) {
      fail(`users[${i}].userPrincipalName`, `unique (${u.userPrincipalName} is listed twice)`);
    }
    seen.add(u.userPrincipalName.toLowerCase());
    for (const field of USER_TEXT_FIELDS) {
      if (u[field] !== undefined && typeof u[field] !== "string") fail(`users[${i}].${field}`, "a string");
    }
    if (u.accountEnabled !== undefined && typeof u.accountEnabled !== "boolean") {
      fail(`users[${i}].accountEnabled`, "true or false");
    }
  });
}
