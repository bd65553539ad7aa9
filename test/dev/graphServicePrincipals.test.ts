import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GRAPH_APP_ID, type ApiResource } from "../../dev/entra/Directory.js";
import { startEntraStandIn, type EntraStandIn } from "../../dev/entra/startEntraStandIn.js";
import {
  claimsOf,
  errorOf,
  graph,
  registerClient,
  tokenFor,
  type SecretClient,
} from "./fixtures/graphCaller.js";

const OWNED_BY_ROLE_ID = "18a4783c-866b-4cc7-a460-3d5e5662c884";

let standIn: EntraStandIn;
let api: ApiResource;
/** Holds what `m2m app grant` needs: AppRoleAssignment.ReadWrite.All with Application.Read.All. */
let admin: SecretClient;

beforeAll(async () => {
  standIn = await startEntraStandIn();
  api = standIn.registerResource({
    appIdUri: "api://sp-tests",
    displayName: "sp tests API",
    roles: ["Reports.Read.All", "Reports.Write"],
  });
  admin = registerClient(standIn, "grant admin", ["AppRoleAssignment.ReadWrite.All", "Application.Read.All"]);
});
afterAll(async () => {
  await standIn?.stop();
});

const roleId = (value: string) => api.appRoles.find((r) => r.value === value)?.id ?? "";

describe("GET /v1.0/servicePrincipals", () => {
  it("finds an API's service principal by appId, with its app roles and names", async () => {
    const { status, body } = await graph(
      standIn,
      "GET",
      `/servicePrincipals(appId='${api.appId}')`,
      await tokenFor(standIn, admin),
    );

    expect(status).toBe(200);
    expect(body).toEqual({
      "@odata.context": `${standIn.graphBaseUrl}/$metadata#servicePrincipals/$entity`,
      id: api.servicePrincipalObjectId,
      accountEnabled: true,
      alternativeNames: [],
      appDisplayName: "sp tests API",
      appId: api.appId,
      appRoles: [
        {
          allowedMemberTypes: ["Application"],
          description: "Reports.Read.All",
          displayName: "Reports.Read.All",
          id: roleId("Reports.Read.All"),
          isEnabled: true,
          origin: "Application",
          value: "Reports.Read.All",
        },
        expect.objectContaining({ value: "Reports.Write", id: roleId("Reports.Write") }) as unknown,
      ],
      displayName: "sp tests API",
      servicePrincipalNames: ["api://sp-tests", api.appId],
      servicePrincipalType: "Application",
    });
  });

  it("lists by $filter=appId eq '…' with $select, and gives Microsoft Graph's roles their published ids", async () => {
    const token = await tokenFor(standIn, admin);
    const { status, body } = await graph(
      standIn,
      "GET",
      `/servicePrincipals?$filter=${encodeURIComponent(`appId eq '${GRAPH_APP_ID}'`)}&$select=id,appId,appRoles`,
      token,
    );

    expect(status).toBe(200);
    expect(body?.["@odata.context"]).toBe(
      `${standIn.graphBaseUrl}/$metadata#servicePrincipals(id,appId,appRoles)`,
    );
    const value = body?.value as { appId: string; appRoles: { value: string; id: string }[] }[];
    expect(value.map((sp) => [sp.appId, Object.keys(sp)])).toEqual([
      [GRAPH_APP_ID, ["id", "appId", "appRoles"]],
    ]);
    expect(value[0]?.appRoles.find((r) => r.value === "Application.ReadWrite.OwnedBy")?.id).toBe(
      OWNED_BY_ROLE_ID,
    );
  });

  it("finds the application's and the managed identity's principals by id and by servicePrincipalNames", async () => {
    const client = registerClient(standIn, "looked up");
    const token = await tokenFor(standIn, admin);

    const byId = await graph(standIn, "GET", `/servicePrincipals/${client.objectId.toUpperCase()}`, token);
    expect(byId.body).toMatchObject({ id: client.objectId, appId: client.clientId, appRoles: [] });
    const identity = await graph(
      standIn,
      "GET",
      `/servicePrincipals?$filter=servicePrincipalNames/any(x:x eq '${standIn.managedIdentity.clientId}')`,
      token,
    );
    expect(identity.body?.value).toEqual([
      expect.objectContaining({
        id: standIn.managedIdentity.principalId,
        servicePrincipalType: "ManagedIdentity",
        alternativeNames: ["isExplicit=False", standIn.managedIdentity.resourceId],
      }),
    ]);
  });

  it("answers 404 for an appId the tenant has no principal for, and 400 for a filter it cannot evaluate", async () => {
    const token = await tokenFor(standIn, admin);
    const missing = randomUUID();

    const notFound = await graph(standIn, "GET", `/servicePrincipals(appId='${missing}')`, token);
    expect(notFound.status).toBe(404);
    expect(errorOf(notFound)).toMatchObject({
      code: "Request_ResourceNotFound",
      message: `Resource '${missing}' does not exist or one of its queried reference-property objects are not present.`,
    });
    const unsupported = await graph(
      standIn,
      "GET",
      `/servicePrincipals?$filter=${encodeURIComponent("tags eq 'x'")}`,
      token,
    );
    expect(unsupported.status).toBe(400);
    expect(errorOf(unsupported).code).toBe("Request_UnsupportedQuery");
    expect(errorOf(unsupported).message).toMatch(
      /^Unsupported or invalid query filter clause specified for property 'tags' of resource 'ServicePrincipal'\./,
    );
  });

  it("refuses a caller without a read permission (403 Authorization_RequestDenied)", async () => {
    const nobody = registerClient(standIn, "no permissions");
    const { status, body } = await graph(
      standIn,
      "GET",
      `/servicePrincipals(appId='${api.appId}')`,
      await tokenFor(standIn, nobody),
    );
    expect(status).toBe(403);
    expect((body as { error: unknown }).error).toMatchObject({
      code: "Authorization_RequestDenied",
      message: "Insufficient privileges to complete the operation.",
    });
  });
});

describe("POST /v1.0/servicePrincipals/{id}/appRoleAssignedTo", () => {
  const grant = async (
    caller: SecretClient,
    principalId: string,
    appRoleId: string,
    resourceId = api.servicePrincipalObjectId,
  ) =>
    graph(
      standIn,
      "POST",
      `/servicePrincipals/${api.servicePrincipalObjectId}/appRoleAssignedTo`,
      await tokenFor(standIn, caller),
      { principalId, resourceId, appRoleId },
    );

  it("grants the role (201, Graph's appRoleAssignment); the client's next token carries it", async () => {
    const client = registerClient(standIn, "reports daemon");

    const { status, body } = await grant(admin, client.objectId, roleId("Reports.Write"));

    expect(status).toBe(201);
    expect(body).toEqual({
      "@odata.context": `${standIn.graphBaseUrl}/$metadata#servicePrincipals('${api.servicePrincipalObjectId}')/appRoleAssignedTo/$entity`,
      id: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) as unknown,
      deletedDateTime: null,
      appRoleId: roleId("Reports.Write"),
      createdDateTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/) as unknown,
      principalDisplayName: "reports daemon",
      principalId: client.objectId,
      principalType: "ServicePrincipal",
      resourceDisplayName: "sp tests API",
      resourceId: api.servicePrincipalObjectId,
    });
    expect(claimsOf(await tokenFor(standIn, client, "api://sp-tests/.default")).roles).toEqual([
      "Reports.Write",
    ]);
    const listed = await graph(
      standIn,
      "GET",
      `/servicePrincipals/${api.servicePrincipalObjectId}/appRoleAssignedTo`,
      await tokenFor(standIn, admin),
    );
    expect(listed.body?.value).toContainEqual(
      expect.objectContaining({ id: body?.id, principalId: client.objectId }),
    );
  });

  it("answers the same grant again with Graph's 400 'Permission being assigned already exists on the object'", async () => {
    const client = registerClient(standIn, "granted twice");
    expect((await grant(admin, client.objectId, roleId("Reports.Read.All"))).status).toBe(201);

    const again = await grant(admin, client.objectId, roleId("Reports.Read.All"));

    expect(again.status).toBe(400);
    expect(errorOf(again)).toMatchObject({
      code: "Request_BadRequest",
      message: "Permission being assigned already exists on the object",
    });
    expect(claimsOf(await tokenFor(standIn, client, "api://sp-tests/.default")).roles).toEqual([
      "Reports.Read.All",
    ]);
  });

  it("grants Microsoft Graph's Application.ReadWrite.OwnedBy by its published id", async () => {
    const client = registerClient(standIn, "rotator");
    const graphSp = standIn.directory.findResource(GRAPH_APP_ID);
    const { status } = await graph(
      standIn,
      "POST",
      `/servicePrincipals/${graphSp?.servicePrincipalObjectId}/appRoleAssignedTo`,
      await tokenFor(standIn, admin),
      {
        principalId: client.objectId,
        resourceId: graphSp?.servicePrincipalObjectId,
        appRoleId: OWNED_BY_ROLE_ID,
      },
    );
    expect(status).toBe(201);
    expect(claimsOf(await tokenFor(standIn, client)).roles).toEqual(["Application.ReadWrite.OwnedBy"]);
  });

  it.each([
    [
      "AppRoleAssignment.ReadWrite.All alone (Graph also needs Application.Read.All)",
      ["AppRoleAssignment.ReadWrite.All"],
    ],
    ["Application.ReadWrite.All without AppRoleAssignment.ReadWrite.All", ["Application.ReadWrite.All"]],
    ["Directory.ReadWrite.All without AppRoleAssignment.ReadWrite.All", ["Directory.ReadWrite.All"]],
  ])("refuses a caller with %s (403)", async (_name, roles) => {
    const caller = registerClient(standIn, "under-privileged", roles);
    const client = registerClient(standIn, "target");

    const refused = await grant(caller, client.objectId, roleId("Reports.Read.All"));

    expect(refused.status).toBe(403);
    expect(errorOf(refused)).toMatchObject({
      code: "Authorization_RequestDenied",
      message: "Insufficient privileges to complete the operation.",
    });
  });

  it("accepts AppRoleAssignment.ReadWrite.All with Directory.Read.All, the documented alternative", async () => {
    const caller = registerClient(standIn, "directory reader", [
      "AppRoleAssignment.ReadWrite.All",
      "Directory.Read.All",
    ]);
    const client = registerClient(standIn, "target");
    expect((await grant(caller, client.objectId, roleId("Reports.Read.All"))).status).toBe(201);
  });

  it("answers 404 for a principal the tenant does not have, 400 for a role the API does not define or another resourceId", async () => {
    const client = registerClient(standIn, "target");
    const nobody = randomUUID();

    const missing = await grant(admin, nobody, roleId("Reports.Read.All"));
    expect(missing.status).toBe(404);
    expect(errorOf(missing).message).toBe(
      `Resource '${nobody}' does not exist or one of its queried reference-property objects are not present.`,
    );
    const unknownRole = randomUUID();
    const noRole = await grant(admin, client.objectId, unknownRole);
    expect(noRole.status).toBe(400);
    expect(errorOf(noRole).message).toBe(
      `Permission being assigned was not found on application '${api.appId}': it defines no app role ${unknownRole} that a service principal can be assigned.`,
    );
    const otherResource = await grant(admin, client.objectId, roleId("Reports.Read.All"), client.objectId);
    expect(otherResource.status).toBe(400);
    expect(errorOf(otherResource).code).toBe("Request_BadRequest");
  });
});
