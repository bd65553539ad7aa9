import { describe, expect, it } from "vitest";
import { fakeGraph, FAKE_GRAPH_ROOT } from "./fakeGraph.js";
import { fakeConnector, runM2m, settingsFile } from "./runM2m.js";

const TENANT = "9a8b7c6d-0000-4000-8000-00000000d0e0";
const APP_ID = "0b0b0b0b-0000-4000-8000-00000000000b";
const OBJECT_ID = "0a0a0a0a-0000-4000-8000-00000000000a";
const API_APP_ID = "0c0c0c0c-0000-4000-8000-00000000000c";
const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
const MI_CLIENT_ID = "0d0d0d0d-0000-4000-8000-00000000000d";

const appRole = (id: string, value: string) => ({
  id,
  value,
  allowedMemberTypes: ["Application"],
  isEnabled: true,
});
const clientSp = { id: "sp-client", appId: APP_ID, displayName: "m2m-functions", appRoles: [] };
const apiSp = {
  id: "sp-api",
  appId: API_APP_ID,
  displayName: "Reports API",
  appRoles: [appRole("role-read", "Reports.Read.All"), appRole("role-write", "Reports.Write")],
  servicePrincipalNames: ["api://reports", API_APP_ID],
};
const graphSp = {
  id: "sp-graph",
  appId: GRAPH_APP_ID,
  displayName: "Microsoft Graph",
  appRoles: [appRole("18a4783c-866b-4cc7-a460-3d5e5662c884", "Application.ReadWrite.OwnedBy")],
};
const miSp = { id: "mi-principal", appId: MI_CLIENT_ID, displayName: "func-m2m", appRoles: [] };

/** The tenant as Graph shows it: `held` adds what a first grant creates. */
function tenant(held: boolean): { objects: Record<string, unknown>; collections: Record<string, unknown[]> } {
  return {
    objects: {
      [`/applications(appId='${APP_ID}')`]: {
        id: OBJECT_ID,
        appId: APP_ID,
        displayName: "m2m-functions",
        keyCredentials: [],
        passwordCredentials: [],
      },
      [`/servicePrincipals(appId='${APP_ID}')`]: clientSp,
      [`/servicePrincipals(appId='${API_APP_ID}')`]: apiSp,
      [`/servicePrincipals(appId='${GRAPH_APP_ID}')`]: graphSp,
      [`/servicePrincipals(appId='${MI_CLIENT_ID}')`]: miSp,
    },
    collections: {
      "/servicePrincipals": [apiSp],
      "/servicePrincipals/sp-api/appRoleAssignedTo": [
        { id: "a0", principalId: "someone-else", resourceId: "sp-api", appRoleId: "role-read" },
        ...(held
          ? [{ id: "a1", principalId: "sp-client", resourceId: "sp-api", appRoleId: "role-read" }]
          : []),
      ],
      "/servicePrincipals/sp-graph/appRoleAssignedTo": held
        ? [
            {
              id: "a2",
              principalId: "sp-client",
              resourceId: "sp-graph",
              appRoleId: "18a4783c-866b-4cc7-a460-3d5e5662c884",
            },
          ]
        : [],
      [`/applications/${OBJECT_ID}/owners`]: held
        ? [{ "@odata.type": "#microsoft.graph.servicePrincipal", id: "sp-client" }]
        : [],
      [`/applications/${OBJECT_ID}/federatedIdentityCredentials`]: held
        ? [
            {
              id: "f1",
              name: "m2m-mi-mi-principal",
              issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`,
              subject: "mi-principal",
              audiences: ["api://AzureADTokenExchange"],
            },
          ]
        : [],
    },
  };
}

const settings = (extra: Record<string, string> = {}) =>
  settingsFile({
    M2M_TENANT_ID: TENANT,
    M2M_CLIENT_ID: APP_ID,
    M2M_SCOPE: `${API_APP_ID}/.default`,
    ...extra,
  });

describe("m2m app grant", () => {
  it("on an empty tenant: assigns the roles, Graph's OwnedBy, the owner and the federated credential, in order", async () => {
    const graph = fakeGraph(tenant(false));
    const result = await runM2m(
      ["app", "grant", "--roles", "Reports.Read.All", "--federation", MI_CLIENT_ID, "--settings", settings()],
      fakeConnector({ graph: graph.port }),
    );
    expect(result).toMatchObject({ code: 0, err: "" });
    expect(graph.writes.map((w) => `${w.method} ${w.path} ${JSON.stringify(w.body)}`)).toEqual([
      `POST /servicePrincipals/sp-api/appRoleAssignedTo {"principalId":"sp-client","resourceId":"sp-api","appRoleId":"role-read"}`,
      `POST /servicePrincipals/sp-graph/appRoleAssignedTo {"principalId":"sp-client","resourceId":"sp-graph","appRoleId":"18a4783c-866b-4cc7-a460-3d5e5662c884"}`,
      `POST /applications/${OBJECT_ID}/owners/$ref {"@odata.id":"${FAKE_GRAPH_ROOT}/v1.0/directoryObjects/sp-client"}`,
      `POST /applications/${OBJECT_ID}/federatedIdentityCredentials {"name":"m2m-mi-mi-principal","issuer":"https://login.microsoftonline.com/${TENANT}/v2.0","subject":"mi-principal","audiences":["api://AzureADTokenExchange"],"description":"The app's managed identity as its credential (m2m app grant --federation)"}`,
    ]);
    expect(result.out.split("\n")).toEqual([
      "grant: created: app role Reports.Read.All of Reports API for m2m-functions",
      "grant: created: app role Application.ReadWrite.OwnedBy of Microsoft Graph for m2m-functions",
      "grant: created: m2m-functions's service principal as an owner of its app registration",
      "grant: created: federated credential trusting managed identity mi-principal",
    ]);
  });

  it("is idempotent: a second run reads what is there and sends nothing", async () => {
    const graph = fakeGraph(tenant(true));
    const result = await runM2m(
      ["app", "grant", "--roles", "Reports.Read.All", "--federation", MI_CLIENT_ID, "--settings", settings()],
      fakeConnector({ graph: graph.port }),
    );
    expect(result.code).toBe(0);
    expect(graph.writes).toEqual([]);
    expect(result.out.split("\n").every((line) => line.startsWith("grant: already there: "))).toBe(true);
  });

  it("prints every write with --dry-run and sends none", async () => {
    const graph = fakeGraph(tenant(false));
    const result = await runM2m(
      ["app", "grant", "--roles", "Reports.Read.All", "--settings", settings(), "--dry-run"],
      fakeConnector({ graph: graph.port }),
    );
    expect(graph.writes).toEqual([]);
    expect(result.out).toContain(`  POST ${FAKE_GRAPH_ROOT}/v1.0/servicePrincipals/sp-api/appRoleAssignedTo`);
    expect(result.out).toContain(`  POST ${FAKE_GRAPH_ROOT}/v1.0/applications/${OBJECT_ID}/owners/$ref`);
    expect(result.out.match(/^grant: would send$/gm)).toHaveLength(3);
  });

  it("finds the API by its Application ID URI (servicePrincipalNames), quoting it for OData", async () => {
    const graph = fakeGraph(tenant(true));
    await runM2m(
      ["app", "grant", "--api", "api://reports", "--roles", "Reports.Read.All", "--settings", settings()],
      fakeConnector({ graph: graph.port }),
    );
    expect(graph.reads).toContain(
      `/servicePrincipals?$filter=${encodeURIComponent("servicePrincipalNames/any(n:n eq 'api://reports')")}&$select=id,appId,displayName,appRoles`,
    );
  });

  it("takes a principal id as it is, and the issuer from the cloud's authority host and the tenant", async () => {
    const state = tenant(false);
    state.objects["/servicePrincipals/mi-principal"] = { id: "mi-principal" };
    const graph = fakeGraph(state);
    await runM2m(
      [
        "app",
        "grant",
        "--federation",
        "mi-principal",
        "--settings",
        settings({ M2M_AUTHORITY_HOST: "AzureUSGovernment" }),
      ],
      fakeConnector({ graph: graph.port }),
    );
    expect(graph.writes.at(-1)!.body).toMatchObject({
      issuer: `https://login.microsoftonline.us/${TENANT}/v2.0`,
      subject: "mi-principal",
    });
  });

  it.each([
    [
      "no service principal for the app",
      (t: ReturnType<typeof tenant>) => delete t.objects[`/servicePrincipals(appId='${APP_ID}')`],
      `SERVICE_PRINCIPAL_NOT_FOUND: App registration m2m-functions has no service principal (enterprise application) in the tenant, so nothing can be granted to it. Create it with 'az ad sp create --id ${APP_ID}' and run the command again.`,
    ],
    [
      "no managed identity with that id",
      (t: ReturnType<typeof tenant>) => delete t.objects[`/servicePrincipals(appId='${MI_CLIENT_ID}')`],
      `SERVICE_PRINCIPAL_NOT_FOUND: The tenant has no managed identity (service principal) with client id or principal id ${MI_CLIENT_ID}. Check --federation: the Function app's Identity blade shows the object (principal) id; a user-assigned identity's overview shows its client id.`,
    ],
  ])("stops before any write when there is %s", async (_what, change, message) => {
    const state = tenant(false);
    change(state);
    const graph = fakeGraph(state);
    const result = await runM2m(
      ["app", "grant", "--roles", "Reports.Read.All", "--federation", MI_CLIENT_ID, "--settings", settings()],
      fakeConnector({ graph: graph.port }),
    );
    expect(result).toMatchObject({ code: 1, err: message });
    expect(graph.writes).toEqual([]);
  });

  it("needs the tenant's GUID for a federated credential's issuer", async () => {
    const result = await runM2m(
      [
        "app",
        "grant",
        "--federation",
        MI_CLIENT_ID,
        "--settings",
        settings(),
        "--tenant",
        "contoso.onmicrosoft.com",
      ],
      fakeConnector({ graph: fakeGraph(tenant(false)).port }),
    );
    expect(result).toMatchObject({
      code: 2,
      err: `Invalid app settings (1 problem):\n- M2M_TENANT_ID: expected the tenant's id GUID for --federation (a managed identity's tokens name their issuer by it); got "contoso.onmicrosoft.com"`,
    });
  });

  it.each([
    [["--roles", " , "], '--roles: expected role values separated by commas; got " , "'],
    [["--roles", "Reports.Read.All", "--role-ids", "x"], "Unknown option '--role-ids'"],
  ])("refuses %j with exit code 2", async (args, problem) => {
    const result = await runM2m(["app", "grant", ...args, "--settings", settings()], fakeConnector({}));
    expect(result.code).toBe(2);
    expect(result.err.split("\n\n")[0]).toBe(problem);
  });
});
