import { rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ClientCertificateCredential, EnvironmentCredential } from "@azure/identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GRAPH_APP_ID } from "../../dev/entra/Directory.js";
import { issueCertificate, type IssuedCertificate } from "../../dev/pki/issueCertificate.js";
import { readScenario, type Scenario } from "../../dev/scenario.js";
import { startStandIns, type StandIns } from "../../dev/startStandIns.js";
import { claimsOf, errorOf, graph } from "./fixtures/graphCaller.js";

const SCENARIO = fileURLToPath(new URL("../../dev/scenarios/empty-tenant.json", import.meta.url));

let scenario: Scenario;
let standIns: StandIns;
let certificate: IssuedCertificate;

beforeAll(async () => {
  scenario = await readScenario(SCENARIO);
  [standIns, certificate] = await Promise.all([
    startStandIns(scenario),
    issueCertificate({ subject: "CN=m2m-functions" }),
  ]);
});
afterAll(async () => {
  await standIns?.stop();
});

/**
 * The admin's Graph token through @azure/identity's EnvironmentCredential (what DefaultAzureCredential tries first),
 * from the environment the stand-ins hand out; the process environment is restored afterwards.
 */
async function adminToken(): Promise<string> {
  const saved = { ...process.env };
  Object.assign(process.env, standIns.admin?.env);
  try {
    const credential = new EnvironmentCredential({ disableInstanceDiscovery: true });
    return (await credential.getToken("https://graph.microsoft.com/.default")).token;
  } finally {
    process.env = saved;
  }
}

/** The app's token with the certificate the bootstrap registers. */
async function appToken(scope: string): Promise<string> {
  const credential = new ClientCertificateCredential(
    standIns.entra.tenantId,
    scenario.app.clientId,
    { certificate: `${certificate.certPem}\n${certificate.keyPem}` },
    { authorityHost: standIns.entra.authorityHost, disableInstanceDiscovery: true },
  );
  return (await credential.getToken(scope)).token;
}

async function servicePrincipalOf(appId: string, token: string) {
  const { body } = await graph(
    standIns.entra,
    "GET",
    `/servicePrincipals?$filter=${encodeURIComponent(`appId eq '${appId}'`)}`,
    token,
  );
  return (body?.value as { id: string; appRoles: { id: string; value: string }[] }[])[0];
}

describe("the empty tenant scenario", () => {
  it("starts with an app registration without keys, owners or permissions, an empty vault and an admin", () => {
    const app = standIns.entra.getApp(scenario.app.clientId);
    expect(app).toMatchObject({ keyCredentials: [], passwordCredentials: [], owners: [] });
    expect(standIns.settings.M2M_KEYVAULT_CERTIFICATE_NAME).toBe("m2m-client");
    expect(Object.keys(standIns.admin?.env ?? {})).toEqual([
      "AZURE_TENANT_ID",
      "AZURE_CLIENT_ID",
      "AZURE_CLIENT_SECRET",
      "AZURE_AUTHORITY_HOST",
    ]);
    expect(standIns.entra.directory.rolesFor(scenario.app.clientId, GRAPH_APP_ID)).toEqual([]);
  });

  it("is bootstrapped through Graph by the admin: key, app roles, ownership, federation; then the app works", async () => {
    const token = await adminToken();
    const { entra } = standIns;
    const app = `/applications(appId='${scenario.app.clientId}')`;
    const appSp = await servicePrincipalOf(scenario.app.clientId, token);
    const apiSp = await servicePrincipalOf(scenario.resources[0]?.appId ?? "", token);
    const graphSp = await servicePrincipalOf(GRAPH_APP_ID, token);
    const roleOf = (sp: typeof graphSp, value: string) => sp?.appRoles.find((r) => r.value === value)?.id;
    const grant = (resource: typeof apiSp, value: string) =>
      graph(entra, "POST", `/servicePrincipals/${resource?.id}/appRoleAssignedTo`, token, {
        principalId: appSp?.id,
        resourceId: resource?.id,
        appRoleId: roleOf(resource, value),
      });
    const steps = {
      key: () =>
        graph(entra, "PATCH", app, token, {
          keyCredentials: [
            {
              type: "AsymmetricX509Cert",
              usage: "Verify",
              key: certificate.derBase64,
              displayName: "CN=m2m-functions",
            },
          ],
        }),
      apiRole: () => grant(apiSp, "Reports.Read.All"),
      graphRole: () => grant(graphSp, "Application.ReadWrite.OwnedBy"),
      owner: () =>
        graph(entra, "POST", `${app}/owners/$ref`, token, {
          "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${appSp?.id}`,
        }),
      federation: () =>
        graph(entra, "POST", `${app}/federatedIdentityCredentials`, token, {
          name: "function-app",
          issuer: entra.issuer,
          subject: entra.managedIdentity.principalId,
          audiences: ["api://AzureADTokenExchange"],
        }),
    };

    const statuses: Record<string, number> = {};
    for (const [name, step] of Object.entries(steps)) statuses[name] = (await step()).status;
    expect(statuses).toEqual({ key: 204, apiRole: 201, graphRole: 201, owner: 204, federation: 201 });

    const group = entra.addGroup({ displayName: "m2m daemons" });
    entra.addGroupMember(group.id, appSp?.id ?? "");
    const apiClaims = claimsOf(await appToken("api://m2m-downstream/.default"));
    expect([apiClaims.roles, apiClaims.groups]).toEqual([["Reports.Read.All"], [group.id]]);
    const ownRead = await graph(entra, "GET", app, await appToken("https://graph.microsoft.com/.default"));
    expect(ownRead.status).toBe(200);
  });

  it("answers a second bootstrap as Graph does: existing grants, owner and credential name are refused, the PATCH replaces", async () => {
    const token = await adminToken();
    const { entra } = standIns;
    const app = `/applications(appId='${scenario.app.clientId}')`;
    const appSp = await servicePrincipalOf(scenario.app.clientId, token);
    const apiSp = await servicePrincipalOf(scenario.resources[0]?.appId ?? "", token);

    const grant = await graph(entra, "POST", `/servicePrincipals/${apiSp?.id}/appRoleAssignedTo`, token, {
      principalId: appSp?.id,
      resourceId: apiSp?.id,
      appRoleId: apiSp?.appRoles.find((r) => r.value === "Reports.Read.All")?.id,
    });
    const owner = await graph(entra, "POST", `${app}/owners/$ref`, token, {
      "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${appSp?.id}`,
    });
    const federation = await graph(entra, "POST", `${app}/federatedIdentityCredentials`, token, {
      name: "function-app",
      issuer: entra.issuer,
      subject: "another-subject",
      audiences: ["api://AzureADTokenExchange"],
    });
    expect([grant.status, errorOf(grant).code]).toEqual([400, "Request_BadRequest"]);
    expect([owner.status, errorOf(owner).code]).toEqual([400, "Request_BadRequest"]);
    expect([federation.status, errorOf(federation).code]).toEqual([
      409,
      "Request_MultipleObjectsWithSameKeyValue",
    ]);

    // PATCH keyCredentials is the whole collection: the registered key, named by keyId, stays; nothing is added twice.
    const [registered] = entra.getApp(scenario.app.clientId)?.keyCredentials ?? [];
    const again = await graph(entra, "PATCH", app, token, { keyCredentials: [{ keyId: registered?.keyId }] });
    expect(again.status).toBe(204);
    expect(entra.getApp(scenario.app.clientId)?.keyCredentials.map((k) => k.keyId)).toEqual([
      registered?.keyId,
    ]);
  });

  it("refuses the app itself the admin's steps: with OwnedBy it may not grant itself app roles (403)", async () => {
    const token = await appToken("https://graph.microsoft.com/.default");
    const apiSp = standIns.entra.directory.findResource("api://m2m-downstream");
    const appSp = standIns.entra.getApp(scenario.app.clientId)?.servicePrincipalObjectId;

    const { status } = await graph(
      standIns.entra,
      "POST",
      `/servicePrincipals/${apiSp?.servicePrincipalObjectId}/appRoleAssignedTo`,
      token,
      {
        principalId: appSp,
        resourceId: apiSp?.servicePrincipalObjectId,
        appRoleId: apiSp?.appRoles.find((r) => r.value === "Reports.Write")?.id,
      },
    );
    expect(status).toBe(403);
  });
});

describe("readScenario", () => {
  const written: string[] = [];
  afterAll(async () => {
    await Promise.all(written.map((path) => rm(path, { force: true })));
  });

  /** The empty tenant scenario, changed, in a temporary file. */
  async function scenarioFile(change: (s: Record<string, unknown>) => void): Promise<string> {
    const value = JSON.parse(JSON.stringify(scenario)) as Record<string, unknown>;
    change(value);
    const path = join(tmpdir(), `scenario-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
    written.push(path);
    await writeFile(path, JSON.stringify(value));
    return path;
  }

  it("needs the certificate's name when the vault starts empty", async () => {
    const path = await scenarioFile((s) => delete (s.vault as Record<string, unknown>).certificateName);
    await expect(readScenario(path)).rejects.toThrow(
      `${path}: vault.certificateName must be set when vault.certificates is empty (the name the app's certificate will have)`,
    );
  });

  it("checks group members and the resources' groupMembershipClaims", async () => {
    const badMember = await scenarioFile((s) => {
      s.groups = [{ displayName: "daemons", members: ["app", "group:missing"] }];
    });
    await expect(readScenario(badMember)).rejects.toThrow(
      `${badMember}: groups[0].members must be an array of "app", "admin" (with an admin), "managedIdentity" or "group:<displayName of a group>"`,
    );
    const badSetting = await scenarioFile((s) => {
      (s.resources as Record<string, unknown>[])[0]!.groupMembershipClaims = "Everything";
    });
    await expect(readScenario(badSetting)).rejects.toThrow(
      `${badSetting}: resources[0].groupMembershipClaims must be one of None, SecurityGroup, DirectoryRole, ApplicationGroup, All`,
    );
  });

  it("seeds groups with nested members and the API's assigned groups from the scenario", async () => {
    const path = await scenarioFile((s) => {
      s.groups = [
        { displayName: "platform", members: ["group:daemons"] },
        { displayName: "daemons", members: ["app", "managedIdentity"] },
      ];
      Object.assign((s.resources as Record<string, unknown>[])[0]!, {
        groupMembershipClaims: "All",
        assignedGroups: ["daemons"],
      });
    });
    const seeded = await startStandIns(await readScenario(path));
    try {
      const { directory } = seeded.entra;
      const appSp = seeded.entra.getApp(scenario.app.clientId)?.servicePrincipalObjectId ?? "";
      const groups = directory.groupsClaimFor(appSp, scenario.resources[0]?.appId ?? "");
      expect(groups.map((id) => directory.getGroup(id)?.displayName)).toEqual(["platform", "daemons"]);
      const assigned = directory.appRoleAssignmentsTo(scenario.resources[0]?.appId ?? "");
      expect(assigned.map((a) => [directory.getGroup(a.principalId)?.displayName, a.principalType])).toEqual([
        ["daemons", "Group"],
      ]);
    } finally {
      await seeded.stop();
    }
  });
});
