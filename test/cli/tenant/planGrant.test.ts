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

const ROLE_ASSIGNMENT_FIX =
  "Assigning app roles needs Microsoft Graph's AppRoleAssignment.ReadWrite.All and Application.Read.All as the " +
  "signed-in person, with a directory role that may grant them: Privileged Role Administrator for Microsoft Graph's " +
  "own roles, Cloud Application Administrator or Application Administrator for your API's. Or grant admin consent in " +
  "the portal: App registrations > the app > API permissions > Grant admin consent.";
const applicationWriteFix = (name: string) =>
  `Changing app registration ${name} needs Microsoft Graph's Application.ReadWrite.All (and Directory.Read.All to ` +
  "add an owner) as the signed-in person — directory role Application Administrator or Cloud Application " +
  "Administrator — or being one of its owners.";

describe("planGrant", () => {
  it("on an empty tenant: assigns the API's roles and Graph's OwnedBy, makes the app's principal an owner, trusts the managed identity", () => {
    expect(planGrant(state(), { ...wanted, federation })).toEqual([
      {
        what: "app role Reports.Read.All of Reports API for m2m-functions",
        write: {
          method: "POST",
          path: "/servicePrincipals/sp-api/appRoleAssignedTo",
          body: { principalId: "sp-client", resourceId: "sp-api", appRoleId: "role-read" },
          purpose: "assign app role Reports.Read.All of Reports API for m2m-functions",
          forbiddenFix: ROLE_ASSIGNMENT_FIX,
        },
      },
      {
        what: "app role Application.ReadWrite.OwnedBy of Microsoft Graph for m2m-functions",
        write: {
          method: "POST",
          path: "/servicePrincipals/sp-graph/appRoleAssignedTo",
          body: { principalId: "sp-client", resourceId: "sp-graph", appRoleId: "role-owned-by" },
          purpose: "assign app role Application.ReadWrite.OwnedBy of Microsoft Graph for m2m-functions",
          forbiddenFix: ROLE_ASSIGNMENT_FIX,
        },
      },
      {
        what: "m2m-functions's service principal as an owner of its app registration",
        write: {
          method: "POST",
          path: "/applications/app-object/owners/$ref",
          body: { "@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/sp-client" },
          purpose: "add m2m-functions's service principal as an owner of its app registration",
          forbiddenFix: applicationWriteFix("m2m-functions"),
        },
      },
      {
        what: "federated credential trusting managed identity mi-principal",
        write: {
          method: "POST",
          path: "/applications/app-object/federatedIdentityCredentials",
          body: {
            name: "m2m-mi-mi-principal",
            issuer: "https://login.microsoftonline.com/tenant-guid/v2.0",
            subject: "mi-principal",
            audiences: ["api://AzureADTokenExchange"],
            description: "The app's managed identity as its credential (m2m app grant --federation)",
          },
          purpose: "create the federated credential trusting managed identity mi-principal",
          forbiddenFix: applicationWriteFix("m2m-functions"),
        },
      },
    ]);
  });

  it("names an app registration and service principals without a display name by their appId", () => {
    const steps = planGrant(
      state({
        application: { id: "app-object", appId: "app-client", displayName: "" },
        client: { ...client, displayName: "" },
        api: { ...api, displayName: "" },
        graph: { ...graph, displayName: "" },
      }),
      { ...wanted, federation },
    );
    expect(steps.map((s) => s.what)).toEqual([
      "app role Reports.Read.All of app-api for app-client",
      "app role Application.ReadWrite.OwnedBy of 00000003-0000-0000-c000-000000000000 for app-client",
      "app-client's service principal as an owner of its app registration",
      "federated credential trusting managed identity mi-principal",
    ]);
    expect(steps.map((s) => s.write?.forbiddenFix)).toEqual([
      ROLE_ASSIGNMENT_FIX,
      ROLE_ASSIGNMENT_FIX,
      applicationWriteFix("app-client"),
      applicationWriteFix("app-client"),
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

  it.each([
    ["another principal's assignment of the role", { principalId: "sp-other" }],
    ["the app's assignment of a role with the same id on another resource", { resourceId: "sp-graph" }],
    ["the app's assignment of another role of the API", { appRoleId: "role-write" }],
  ])("does not count %s as the app holding it", (_what, differs) => {
    const steps = planGrant(
      state({
        assignments: [{ principalId: "sp-client", resourceId: "sp-api", appRoleId: "role-read", ...differs }],
      }),
      { ...wanted, graphRoles: [] },
    );
    expect(steps[0]).toEqual({
      what: "app role Reports.Read.All of Reports API for m2m-functions",
      write: {
        method: "POST",
        path: "/servicePrincipals/sp-api/appRoleAssignedTo",
        body: { principalId: "sp-client", resourceId: "sp-api", appRoleId: "role-read" },
        purpose: "assign app role Reports.Read.All of Reports API for m2m-functions",
        forbiddenFix: ROLE_ASSIGNMENT_FIX,
      },
    });
  });

  it("assigns a role asked for twice (or by the API and as Graph's) once", () => {
    const steps = planGrant(state({ api: graph }), {
      ...wanted,
      roles: ["Application.ReadWrite.OwnedBy", "Application.ReadWrite.OwnedBy"],
    });
    expect(steps.filter((s) => s.write?.path.endsWith("appRoleAssignedTo"))).toHaveLength(1);
  });

  it.each([
    ["another issuer (another tenant)", { issuer: "https://login.microsoftonline.com/other-tenant/v2.0" }],
    ["another subject (another managed identity)", { subject: "other-principal" }],
  ])("creates the federated credential when the one there trusts %s", (_what, differs) => {
    const steps = planGrant(
      state({
        federatedCredentials: [
          { name: "by-hand", ...federation, audiences: [federation.audience], ...differs },
        ],
      }),
      { ...wanted, federation },
    );
    expect(steps[3]!.what).toBe("federated credential trusting managed identity mi-principal");
    expect(steps[3]!.write?.path).toBe("/applications/app-object/federatedIdentityCredentials");
  });

  it("describes a federated credential already there by its name and every audience Graph lists for it", () => {
    const steps = planGrant(
      state({
        federatedCredentials: [
          { name: "by-hand", ...federation, audiences: [federation.audience, "api://other-audience"] },
        ],
      }),
      { ...wanted, federation },
    );
    expect(steps[3]).toEqual({
      what:
        "federated credential trusting managed identity mi-principal ('by-hand', audiences " +
        "api://AzureADTokenExchange, api://other-audience)",
      write: null,
    });
  });

  it("asks for no API when no role of it is wanted", () => {
    const steps = planGrant(state({ api: null }), { ...wanted, roles: [] });
    expect(steps.map((s) => s.write?.path)).toEqual([
      "/servicePrincipals/sp-graph/appRoleAssignedTo",
      "/applications/app-object/owners/$ref",
    ]);
  });

  it("refuses roles asked for without the API that defines them, as the caller's mistake", () => {
    expect(() => planGrant(state({ api: null }), wanted)).toThrow(
      new Error("planGrant: roles were asked for without the API that defines them"),
    );
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

  it("refuses a role of an API that defines none for applications, saying it has none", () => {
    const userOnly = { ...api, appRoles: [role("role-user", "Reports.Admin", ["User"])] };
    expect(() => planGrant(state({ api: userOnly }), wanted)).toThrow(
      expect.objectContaining({
        code: "APP_ROLE_NOT_FOUND",
        message:
          "Reports API (appId app-api) defines no enabled app role 'Reports.Read.All' for applications (it has: " +
          "none). Check --roles (values are case-sensitive), or add the role to the API's app registration (App " +
          "roles, allowed member types Applications).",
      }),
    );
  });
});
