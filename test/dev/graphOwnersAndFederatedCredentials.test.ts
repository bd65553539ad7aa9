import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppRegistration } from "../../dev/entra/Directory.js";
import { startEntraStandIn, type EntraStandIn } from "../../dev/entra/startEntraStandIn.js";
import { errorOf, graph, registerClient, tokenFor, type SecretClient } from "./fixtures/graphCaller.js";

let standIn: EntraStandIn;
/** What the bootstrap admin holds: adding an owner needs Directory.Read.All besides Application.ReadWrite.All. */
let admin: SecretClient;

beforeAll(async () => {
  standIn = await startEntraStandIn();
  admin = registerClient(standIn, "bootstrap admin", ["Application.ReadWrite.All", "Directory.Read.All"]);
});
afterAll(async () => {
  await standIn?.stop();
});

/** A fresh application with its own service principal. */
function newApp(displayName = "m2m-functions"): AppRegistration {
  return standIn.registerApp({ displayName });
}

const ownerRef = (objectId: string) => ({
  "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${objectId}`,
});

const insufficientPrivileges = {
  code: "Authorization_RequestDenied",
  message: "Insufficient privileges to complete the operation.",
};

describe("applications/{id}/owners", () => {
  it("makes the app's own service principal an owner (204) and lists it as a servicePrincipal", async () => {
    const app = newApp("owned app");
    const token = await tokenFor(standIn, admin);

    const added = await graph(
      standIn,
      "POST",
      `/applications/${app.objectId}/owners/$ref`,
      token,
      ownerRef(app.servicePrincipalObjectId),
    );

    expect([added.status, added.body]).toEqual([204, null]);
    expect(standIn.getApp(app.clientId)?.owners).toEqual([app.servicePrincipalObjectId]);
    const listed = await graph(standIn, "GET", `/applications(appId='${app.clientId}')/owners`, token);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      "@odata.context": `${standIn.graphBaseUrl}/$metadata#directoryObjects`,
      value: [
        expect.objectContaining({
          "@odata.type": "#microsoft.graph.servicePrincipal",
          id: app.servicePrincipalObjectId,
          appId: app.clientId,
        }),
      ],
    });
  });

  it("answers an owner added again with Graph's 400 for an existing reference, and accepts %24ref", async () => {
    const app = newApp();
    const token = await tokenFor(standIn, admin);
    const path = `/applications/${app.objectId}/owners/%24ref`;
    expect((await graph(standIn, "POST", path, token, ownerRef(app.servicePrincipalObjectId))).status).toBe(
      204,
    );

    const again = await graph(standIn, "POST", path, token, ownerRef(app.servicePrincipalObjectId));

    expect(again.status).toBe(400);
    expect(errorOf(again)).toMatchObject({
      code: "Request_BadRequest",
      message:
        "One or more added object references already exist for the following modified properties: 'owners'.",
    });
    expect(standIn.getApp(app.clientId)?.owners).toHaveLength(1);
  });

  it("refuses Application.ReadWrite.All without Directory.Read.All, and OwnedBy on an application the caller does not own (403)", async () => {
    const app = newApp();
    const writerOnly = registerClient(standIn, "writer only", ["Application.ReadWrite.All"]);
    const ownedBy = registerClient(standIn, "owned-by", [
      "Application.ReadWrite.OwnedBy",
      "Directory.Read.All",
    ]);
    const add = async (caller: SecretClient) =>
      graph(
        standIn,
        "POST",
        `/applications/${app.objectId}/owners/$ref`,
        await tokenFor(standIn, caller),
        ownerRef(app.servicePrincipalObjectId),
      );

    for (const refused of [await add(writerOnly), await add(ownedBy)]) {
      expect(refused.status).toBe(403);
      expect(errorOf(refused)).toMatchObject(insufficientPrivileges);
    }
    standIn.addOwner(app.clientId, ownedBy.objectId);
    expect((await add(ownedBy)).status).toBe(204);
  });

  it("answers 404 for an object the tenant does not have and 400 for a body without @odata.id", async () => {
    const app = newApp();
    const token = await tokenFor(standIn, admin);
    const missing = randomUUID();

    const notFound = await graph(
      standIn,
      "POST",
      `/applications/${app.objectId}/owners/$ref`,
      token,
      ownerRef(missing),
    );
    expect(notFound.status).toBe(404);
    expect(errorOf(notFound)).toMatchObject({
      code: "Request_ResourceNotFound",
      message: `Resource '${missing}' does not exist or one of its queried reference-property objects are not present.`,
    });
    const noReference = await graph(standIn, "POST", `/applications/${app.objectId}/owners/$ref`, token, {
      id: missing,
    });
    expect(noReference.status).toBe(400);
    expect(errorOf(noReference).message).toMatch(/^Invalid object identifier 'undefined'\./);
  });

  it("lets an Application.ReadWrite.OwnedBy reader list the owners of any application, and refuses a caller without a role", async () => {
    const app = newApp();
    const reader = registerClient(standIn, "owned-by reader", ["Application.ReadWrite.OwnedBy"]);
    const nobody = registerClient(standIn, "nobody");

    expect(
      (await graph(standIn, "GET", `/applications/${app.objectId}/owners`, await tokenFor(standIn, reader)))
        .status,
    ).toBe(200);
    const refused = await graph(
      standIn,
      "GET",
      `/applications/${app.objectId}/owners`,
      await tokenFor(standIn, nobody),
    );
    expect(refused.status).toBe(403);
  });
});

describe("applications/{id}/federatedIdentityCredentials", () => {
  const managedIdentityCredential = () => ({
    name: "function-app-identity",
    issuer: standIn.issuer,
    subject: standIn.managedIdentity.principalId,
    audiences: ["api://AzureADTokenExchange"],
    description: "The Function app's managed identity",
  });

  it("creates the credential (201, Graph's shape) and lists it; the managed identity's token then signs the app in", async () => {
    const app = newApp();
    const token = await tokenFor(standIn, admin);

    const created = await graph(
      standIn,
      "POST",
      `/applications/${app.objectId}/federatedIdentityCredentials`,
      token,
      managedIdentityCredential(),
    );

    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      "@odata.context": `${standIn.graphBaseUrl}/$metadata#applications('${app.objectId}')/federatedIdentityCredentials/$entity`,
      audiences: ["api://AzureADTokenExchange"],
      description: "The Function app's managed identity",
      id: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      issuer: standIn.issuer,
      name: "function-app-identity",
      subject: standIn.managedIdentity.principalId,
    });
    const listed = await graph(
      standIn,
      "GET",
      `/applications/${app.objectId}/federatedIdentityCredentials`,
      token,
    );
    expect(listed.body?.value).toEqual([expect.objectContaining({ id: created.body?.id })]);

    const exchange = await fetch(
      `${standIn.managedIdentity.endpoint}?api-version=2019-08-01&resource=${encodeURIComponent("api://AzureADTokenExchange")}`,
      { headers: { "X-IDENTITY-HEADER": standIn.managedIdentity.header } },
    );
    const assertion = ((await exchange.json()) as { access_token: string }).access_token;
    const signIn = await fetch(standIn.tokenEndpoint, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: app.clientId,
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: assertion,
        scope: "https://vault.azure.net/.default",
      }),
    });
    expect(signIn.status).toBe(200);
  });

  it("answers a name the application already uses with Graph's 409, and a repeated issuer and subject with its 400", async () => {
    const app = newApp();
    const token = await tokenFor(standIn, admin);
    const path = `/applications/${app.objectId}/federatedIdentityCredentials`;
    expect((await graph(standIn, "POST", path, token, managedIdentityCredential())).status).toBe(201);

    const sameName = await graph(standIn, "POST", path, token, {
      ...managedIdentityCredential(),
      subject: "other",
    });
    expect(sameName.status).toBe(409);
    expect(errorOf(sameName)).toMatchObject({
      code: "Request_MultipleObjectsWithSameKeyValue",
      message: "FederatedIdentityCredential with name function-app-identity already exists.",
    });
    const sameSubject = await graph(standIn, "POST", path, token, {
      ...managedIdentityCredential(),
      name: "again",
    });
    expect(sameSubject.status).toBe(400);
    expect(errorOf(sameSubject)).toMatchObject({
      code: "InvalidFederatedIdentityCredentialValue",
      message: `The combination of issuer and subject must be unique for the application. Issuer ${standIn.issuer} and Subject: ${standIn.managedIdentity.principalId} already exist. paramName: FederatedIdentityCredential.Subject, paramValue: ${standIn.managedIdentity.principalId}, objectType: Microsoft.Online.DirectoryServices.Application`,
    });
    expect(standIn.getApp(app.clientId)?.federatedIdentityCredentials).toHaveLength(1);
  });

  it.each([
    [
      "two audiences",
      { audiences: ["api://AzureADTokenExchange", "api://other"] },
      "The property 'audiences' must hold exactly one audience",
    ],
    ["no issuer", { issuer: undefined }, "The property 'issuer' is required: a non-empty string."],
    [
      "a name that is not URL friendly",
      { name: "my credential" },
      "The name 'my credential' is not URL friendly",
    ],
    [
      "a name over 120 characters",
      { name: "n".repeat(121) },
      "The property 'name' has 121 characters; at most 120.",
    ],
  ])("refuses %s (400)", async (_problem, change, message) => {
    const app = newApp();
    const { status, body } = await graph(
      standIn,
      "POST",
      `/applications/${app.objectId}/federatedIdentityCredentials`,
      await tokenFor(standIn, admin),
      { ...managedIdentityCredential(), ...change },
    );
    expect(status).toBe(400);
    expect((body as { error: { message: string } }).error.message).toContain(message);
  });

  it("lets Application.ReadWrite.OwnedBy create credentials only on applications it owns (403 otherwise)", async () => {
    const app = newApp();
    const self = registerClient(standIn, "self-managing", ["Application.ReadWrite.OwnedBy"]);
    const create = async () =>
      graph(
        standIn,
        "POST",
        `/applications/${app.objectId}/federatedIdentityCredentials`,
        await tokenFor(standIn, self),
        managedIdentityCredential(),
      );

    const refused = await create();
    expect(refused.status).toBe(403);
    expect(errorOf(refused)).toMatchObject(insufficientPrivileges);
    standIn.addOwner(app.clientId, self.objectId);
    expect((await create()).status).toBe(201);
  });
});
