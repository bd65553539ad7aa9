import { describe, expect, it } from "vitest";
import { planGrant, type GrantState, type GrantWanted } from "../../../src/cli/tenant/planGrant.js";
import type { ServicePrincipalInfo } from "../../../src/cli/tenant/ServicePrincipalInfo.js";
import { M2mError } from "../../../src/errors.js";

const role = (id: string, value: string, allowedMemberTypes = ["Application"], isEnabled = true) => ({
  id,
  value,
  allowedMemberTypes,
  isEnabled,
});

const client: ServicePrincipalInfo = {
  id: "sp-client",
  appId: "app-client",
  displayName: "m2m-functions",
  appRoles: [],
};
const api: ServicePrincipalInfo = {
  id: "sp-api",
  appId: "app-api",
  displayName: "Reports API",
  appRoles: [
    role("role-read", "Reports.Read.All"),
    role("role-write", "Reports.Write"),
    role("role-user", "Reports.Admin", ["User"]),
    role("role-off", "Reports.Old", ["Application"], false),
  ],
};
const graph: ServicePrincipalInfo = {
  id: "sp-graph",
  appId: "00000003-0000-0000-c000-000000000000",
  displayName: "Microsoft Graph",
  appRoles: [role("role-owned-by", "Application.ReadWrite.OwnedBy")],
};

function state(overrides: Partial<GrantState> = {}): GrantState {
  return {
    graphRoot: "https://graph.microsoft.com",
    application: { id: "app-object", appId: "app-client", displayName: "m2m-functions" },
    client,
    api,
    graph,
    assignments: [],
    owners: [],
    federatedCredentials: [],
    ...overrides,
  };
}

const wanted: GrantWanted = {
  roles: ["Reports.Read.All"],
  graphRoles: ["Application.ReadWrite.OwnedBy"],
  federation: null,
};
const federation = {
  issuer: "https://login.microsoftonline.com/tenant-guid/v2.0",
  subject: "mi-principal",
  audience: "api://AzureADTokenExchange",
};

describe("planGrant", () => {
  it("on an empty tenant: assigns the API's roles and Graph's OwnedBy, then makes the app's principal an owner", () => {
    const steps = planGrant(state(), wanted);
    expect(steps.map((s) => [s.write?.method, s.write?.path, s.write?.body])).toEqual([
      [
        "POST",
        "/servicePrincipals/sp-api/appRoleAssignedTo",
        { principalId: "sp-client", resourceId: "sp-api", appRoleId: "role-read" },
      ],
      [
        "POST",
        "/servicePrincipals/sp-graph/appRoleAssignedTo",
        { principalId: "sp-client", resourceId: "sp-graph", appRoleId: "role-owned-by" },
      ],
      [
        "POST",
        "/applications/app-object/owners/$ref",
        { "@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/sp-client" },
      ],
    ]);
    expect(steps.map((s) => s.what)).toEqual([
      "app role Reports.Read.All of Reports API for m2m-functions",
      "app role Application.ReadWrite.OwnedBy of Microsoft Graph for m2m-functions",
      "m2m-functions's service principal as an owner of its app registration",
    ]);
  });

  it("plans no write for what the tenant already has: a second run sends nothing", () => {
    const steps = planGrant(
      state({
        assignments: [
          { principalId: "sp-client", resourceId: "sp-api", appRoleId: "role-read" },
          { principalId: "sp-client", resourceId: "sp-graph", appRoleId: "role-owned-by" },
        ],
        owners: ["someone-else", "sp-client"],
        federatedCredentials: [{ name: "by-hand", ...federation, audiences: [federation.audience] }],
      }),
      { ...wanted, federation },
    );
    expect(steps.map((s) => s.write)).toEqual([null, null, null, null]);
    expect(steps[3]!.what).toBe(
      "federated credential trusting managed identity mi-principal ('by-hand', audiences api://AzureADTokenExchange)",
    );
  });

  it("does not count another principal's assignment of the same role as the app's", () => {
    const steps = planGrant(
      state({ assignments: [{ principalId: "sp-other", resourceId: "sp-api", appRoleId: "role-read" }] }),
      wanted,
    );
    expect(steps[0]!.write?.path).toBe("/servicePrincipals/sp-api/appRoleAssignedTo");
  });

  it("assigns a role asked for twice (or by the API and as Graph's) once", () => {
    const steps = planGrant(state({ api: graph }), {
      ...wanted,
      roles: ["Application.ReadWrite.OwnedBy", "Application.ReadWrite.OwnedBy"],
    });
    expect(steps.filter((s) => s.write?.path.endsWith("appRoleAssignedTo"))).toHaveLength(1);
  });

  it("creates the federated credential for a managed identity: issuer, subject, one audience, a name of its own", () => {
    const steps = planGrant(state(), { ...wanted, federation });
    expect(steps[3]!.write).toMatchObject({
      method: "POST",
      path: "/applications/app-object/federatedIdentityCredentials",
      body: {
        name: "m2m-mi-mi-principal",
        issuer: "https://login.microsoftonline.com/tenant-guid/v2.0",
        subject: "mi-principal",
        audiences: ["api://AzureADTokenExchange"],
      },
    });
  });

  it("asks for no API when no role of it is wanted", () => {
    const steps = planGrant(state({ api: null }), { ...wanted, roles: [] });
    expect(steps.map((s) => s.write?.path)).toEqual([
      "/servicePrincipals/sp-graph/appRoleAssignedTo",
      "/applications/app-object/owners/$ref",
    ]);
  });

  it.each([
    ["a value the API does not define", "Reports.Delete"],
    ["a role for users only", "Reports.Admin"],
    ["a disabled role", "Reports.Old"],
    ["a value in another case (role values are case-sensitive)", "reports.read.all"],
  ])("refuses %s with APP_ROLE_NOT_FOUND, naming the roles there are", (_what, value) => {
    let error: unknown;
    try {
      planGrant(state(), { ...wanted, roles: [value] });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(M2mError);
    expect(error).toMatchObject({
      code: "APP_ROLE_NOT_FOUND",
      message: `Reports API (appId app-api) defines no enabled app role '${value}' for applications (it has: Reports.Read.All, Reports.Write). Check --roles (values are case-sensitive), or add the role to the API's app registration (App roles, allowed member types Applications).`,
    });
  });

  it("says what a refused role assignment needs: Privileged Role Administrator for Graph's roles", () => {
    const [first] = planGrant(state(), wanted);
    expect(first!.write!.forbiddenFix).toContain(
      "Privileged Role Administrator for Microsoft Graph's own roles",
    );
    expect(first!.write!.forbiddenFix).toContain("AppRoleAssignment.ReadWrite.All and Application.Read.All");
  });
});
