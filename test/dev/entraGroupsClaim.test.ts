import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ACCESS_ROLE_ID, type GroupMembershipClaims } from "../../dev/entra/Directory.js";
import { GROUPS_CLAIM_LIMIT } from "../../dev/entra/issueAccessToken.js";
import { startEntraStandIn, type EntraStandIn } from "../../dev/entra/startEntraStandIn.js";
import { claimsOf, registerClient, tokenFor } from "./fixtures/graphCaller.js";

let standIn: EntraStandIn;

beforeAll(async () => {
  standIn = await startEntraStandIn();
});
afterAll(async () => {
  await standIn?.stop();
});

let apiCount = 0;
/** A fresh API with one app role and the given manifest setting; its `.default` scope. */
function newApi(groupMembershipClaims?: GroupMembershipClaims) {
  const appIdUri = `api://groups-${++apiCount}`;
  const resource = standIn.registerResource({
    appIdUri,
    roles: ["Reports.Read.All"],
    ...(groupMembershipClaims ? { groupMembershipClaims } : {}),
  });
  return { resource, scope: `${appIdUri}/.default` };
}

/**
 * A client in two security groups, one of them nested (daemons is a member of platform), and in a distribution list.
 */
function clientInGroups() {
  const client = registerClient(standIn, "grouped daemon");
  const daemons = standIn.addGroup({ displayName: "daemons" });
  const platform = standIn.addGroup({ displayName: "platform" });
  const mail = standIn.addGroup({ displayName: "announcements", securityEnabled: false });
  standIn.addGroupMember(daemons.id, client.objectId);
  standIn.addGroupMember(platform.id, daemons.id);
  standIn.addGroupMember(mail.id, client.objectId);
  return { client, daemons, platform, mail };
}

describe("the groups claim of app-only tokens", () => {
  it("is absent when the API's groupMembershipClaims is None (the default), whatever groups the client is in", async () => {
    const { client } = clientInGroups();
    const { scope } = newApi();

    const claims = claimsOf(await tokenFor(standIn, client, scope));

    expect(claims).not.toHaveProperty("groups");
    expect(claims.idtyp).toBe("app");
  });

  it("names the client's security groups, nested ones included, when the API asks for SecurityGroup", async () => {
    const { client, daemons, platform } = clientInGroups();
    const { scope } = newApi("SecurityGroup");

    expect(claimsOf(await tokenFor(standIn, client, scope)).groups).toEqual([daemons.id, platform.id]);
  });

  it("adds distribution lists with All", async () => {
    const { client, daemons, platform, mail } = clientInGroups();
    const { scope } = newApi("All");

    expect(claimsOf(await tokenFor(standIn, client, scope)).groups).toEqual([
      daemons.id,
      platform.id,
      mail.id,
    ]);
  });

  it("names only groups assigned to the API that the client is a direct member of with ApplicationGroup", async () => {
    const { client, daemons, platform } = clientInGroups();
    const { resource, scope } = newApi("ApplicationGroup");
    for (const group of [daemons, platform]) {
      standIn.directory.grantAppRole({
        principalId: group.id,
        resourceAppId: resource.appId,
        appRoleId: DEFAULT_ACCESS_ROLE_ID,
      });
    }

    expect(claimsOf(await tokenFor(standIn, client, scope)).groups).toEqual([daemons.id]);
  });

  it("is absent for a client in no group, and for a token for another resource than the one that asks", async () => {
    const lonely = registerClient(standIn, "no groups");
    const { client } = clientInGroups();
    const { scope } = newApi("SecurityGroup");

    expect(claimsOf(await tokenFor(standIn, lonely, scope))).not.toHaveProperty("groups");
    expect(claimsOf(await tokenFor(standIn, client, "https://vault.azure.net/.default"))).not.toHaveProperty(
      "groups",
    );
  });

  it("gives no roles for an app role assigned to a group the client is in: only the groups", async () => {
    const { client, daemons } = clientInGroups();
    const { resource, scope } = newApi("SecurityGroup");
    standIn.directory.grantAppRole({
      principalId: daemons.id,
      resourceAppId: resource.appId,
      appRoleId: DEFAULT_ACCESS_ROLE_ID,
    });

    const claims = claimsOf(await tokenFor(standIn, client, scope));

    expect(claims).not.toHaveProperty("roles");
    expect(claims.groups).toContain(daemons.id);
  });

  it("carries the managed identity's groups in its tokens too", async () => {
    const group = standIn.addGroup({ displayName: "function apps" });
    standIn.addGroupMember(group.id, standIn.managedIdentity.principalId);
    const { resource } = newApi("SecurityGroup");

    const response = await fetch(
      `${standIn.managedIdentity.endpoint}?api-version=2019-08-01&resource=${encodeURIComponent(resource.appIdUri)}`,
      { headers: { "X-IDENTITY-HEADER": standIn.managedIdentity.header } },
    );
    const { access_token } = (await response.json()) as { access_token: string };

    expect(claimsOf(access_token).groups).toEqual([group.id]);
  });

  it(`replaces more than ${GROUPS_CLAIM_LIMIT} groups by the overage claim pointing at the principal's memberships`, async () => {
    const client = registerClient(standIn, "in many groups");
    for (let i = 0; i <= GROUPS_CLAIM_LIMIT; i++) {
      standIn.addGroupMember(standIn.addGroup({ displayName: `bulk ${i}` }).id, client.objectId);
    }
    const { scope } = newApi("SecurityGroup");

    const claims = claimsOf(await tokenFor(standIn, client, scope));

    expect(claims).not.toHaveProperty("groups");
    expect(claims._claim_names).toEqual({ groups: "src1" });
    expect(claims._claim_sources).toEqual({
      src1: {
        endpoint: `https://graph.windows.net/${standIn.tenantId}/servicePrincipals/${client.objectId}/getMemberObjects`,
      },
    });
  });

  it("refuses a membership cycle", () => {
    const outer = standIn.addGroup({ displayName: "outer" });
    const inner = standIn.addGroup({ displayName: "inner" });
    standIn.addGroupMember(outer.id, inner.id);
    expect(() => standIn.addGroupMember(inner.id, outer.id)).toThrow(
      `Adding ${outer.id} to group ${inner.id} would make a membership cycle`,
    );
  });
});
