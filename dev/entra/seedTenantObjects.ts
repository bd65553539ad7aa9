import type { Scenario } from "../scenario.js";
import { DEFAULT_ACCESS_ROLE_ID } from "./Directory.js";
import type { EntraStandIn } from "./startEntraStandIn.js";

/** An administrator's app registration: what a bootstrap test signs in with. */
export interface StandInAdmin {
  clientId: string;
  /** Its service principal's object id. */
  objectId: string;
  /** Never log it. */
  clientSecret: string;
  /**
   * What @azure/identity's EnvironmentCredential (and so DefaultAzureCredential) reads: AZURE_TENANT_ID,
   * AZURE_CLIENT_ID, AZURE_CLIENT_SECRET and AZURE_AUTHORITY_HOST (the stand-in). Against it the credential also
   * needs `disableInstanceDiscovery: true`.
   */
  env: Record<string, string>;
}

/**
 * Seeds what a scenario adds to the directory beyond the app: the admin app registration (with a client secret and
 * its Microsoft Graph permissions), the groups, their members ("app" is `appObjectId`) and the groups assigned to
 * APIs, and the users. The resources must be registered first.
 */
export function seedTenantObjects(
  entra: EntraStandIn,
  scenario: Scenario,
  appObjectId: string,
): { admin: StandInAdmin | null } {
  const admin = scenario.admin ? seedAdmin(entra, scenario.admin) : null;
  seedGroups(entra, scenario, { app: appObjectId, admin: admin?.objectId });
  for (const user of scenario.users ?? []) entra.addUser(user);
  return { admin };
}

/** Registers the scenario's admin with a client secret and its Graph permissions. */
function seedAdmin(entra: EntraStandIn, spec: NonNullable<Scenario["admin"]>): StandInAdmin {
  const registered = entra.registerApp({
    displayName: spec.displayName,
    clientId: spec.clientId,
    ...(spec.objectId ? { objectId: spec.objectId } : {}),
  });
  if (spec.graphRoles.length > 0)
    entra.assignRoles(spec.clientId, "https://graph.microsoft.com", spec.graphRoles);
  const { secretText } = entra.addClientSecret(spec.clientId, { displayName: "bootstrap" });
  return {
    clientId: spec.clientId,
    objectId: registered.servicePrincipalObjectId,
    clientSecret: secretText,
    env: {
      AZURE_TENANT_ID: entra.tenantId,
      AZURE_CLIENT_ID: spec.clientId,
      AZURE_CLIENT_SECRET: secretText,
      AZURE_AUTHORITY_HOST: entra.authorityHost,
    },
  };
}

/** Creates the scenario's groups, then their members (so a group may name one listed after it), then assignments. */
function seedGroups(
  entra: EntraStandIn,
  scenario: Scenario,
  principals: { app: string; admin: string | undefined },
): void {
  const ids = new Map<string, string>();
  for (const spec of scenario.groups ?? []) {
    const group = entra.addGroup({
      displayName: spec.displayName,
      ...(spec.id ? { id: spec.id } : {}),
      ...(spec.securityEnabled !== undefined ? { securityEnabled: spec.securityEnabled } : {}),
    });
    ids.set(spec.displayName, group.id);
  }
  const memberId = (member: string): string => {
    if (member === "app") return principals.app;
    if (member === "managedIdentity") return entra.managedIdentity.principalId;
    if (member === "admin" && principals.admin) return principals.admin;
    const id = ids.get(member.slice("group:".length));
    if (!member.startsWith("group:") || !id) throw new Error(`Unknown group member "${member}"`);
    return id;
  };
  for (const spec of scenario.groups ?? []) {
    for (const member of spec.members)
      entra.addGroupMember(ids.get(spec.displayName) ?? "", memberId(member));
  }
  for (const resource of scenario.resources) {
    const appId = entra.directory.findResource(resource.appIdUri)?.appId ?? "";
    for (const name of resource.assignedGroups ?? []) {
      entra.directory.grantAppRole({
        principalId: ids.get(name) ?? "",
        resourceAppId: appId,
        appRoleId: DEFAULT_ACCESS_ROLE_ID,
      });
    }
  }
}
