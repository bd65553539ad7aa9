import { randomUUID } from "node:crypto";
import { ConfidentialClientApplication, type Configuration } from "@azure/msal-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { AppRegistration } from "../../dev/entra/Directory.js";
import { startEntraStandIn, type EntraStandIn } from "../../dev/entra/startEntraStandIn.js";
import { signJwt, type JwtHeader } from "../../dev/jwt.js";
import { issueCertificate, type IssuedCertificate } from "../../dev/pki/issueCertificate.js";

const GRAPH_SCOPE = "https://graph.microsoft.com/.default";
const PROOF_AUDIENCE = "00000002-0000-0000-c000-000000000000";
const DAY_MS = 86_400_000;

let standIn: EntraStandIn;
/** Registered and valid on every app `newApp` makes. */
let current: IssuedCertificate;
/** The certificate each rotation adds. */
let next: IssuedCertificate;
/** Never registered anywhere. */
let stranger: IssuedCertificate;
/** Registered with dates in the past. */
let expired: IssuedCertificate;

beforeAll(async () => {
  [standIn, current, next, stranger, expired] = await Promise.all([
    startEntraStandIn(),
    issueCertificate({ subject: "CN=graph-current" }),
    issueCertificate({ subject: "CN=graph-next" }),
    issueCertificate({ subject: "CN=graph-stranger" }),
    issueCertificate({ subject: "CN=graph-expired" }),
  ]);
});
afterAll(async () => {
  await standIn?.stop();
});
afterEach(() => {
  standIn.resetCounters();
});

/** A fresh app registration with `current` registered (and `expired`, registered with past dates). */
function newApp(displayName = "graph stand-in test"): AppRegistration {
  const app = standIn.registerApp({ displayName });
  standIn.addCertificate(app.clientId, { certPem: current.certPem });
  registerExpired(app);
  return app;
}

function registerExpired(app: AppRegistration) {
  return standIn.addCertificate(app.clientId, {
    certPem: expired.certPem,
    startDateTime: new Date(Date.now() - 2 * DAY_MS),
    endDateTime: new Date(Date.now() - DAY_MS),
  });
}

function msal(clientId: string, credential: Partial<Configuration["auth"]>) {
  return new ConfidentialClientApplication({
    auth: {
      clientId,
      authority: standIn.authority,
      knownAuthorities: [new URL(standIn.authorityHost).host],
      authorityMetadata: JSON.stringify(standIn.metadata),
      ...credential,
    },
  });
}

/** An access token from the stand-in's token endpoint through MSAL Node, with a certificate or a secret. */
async function tokenFor(
  clientId: string,
  credential: IssuedCertificate | { secret: string },
  scope = GRAPH_SCOPE,
): Promise<string> {
  const client = msal(
    clientId,
    "secret" in credential
      ? { clientSecret: credential.secret }
      : {
          clientCertificate: { thumbprintSha256: credential.thumbprintSha256, privateKey: credential.keyPem },
        },
  );
  const result = await client.acquireTokenByClientCredential({ scopes: [scope] });
  if (!result) throw new Error("MSAL returned no result");
  return result.accessToken;
}

async function graph(method: string, path: string, token: string | null, body?: unknown) {
  const response = await fetch(`${standIn.graphBaseUrl}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text ? JSON.parse(text) : null) as Record<string, unknown> | null,
  };
}

/** A proof of possession as Graph's sample builds it (RS256, x5t), with overridable claims and header. */
function proof(
  app: AppRegistration,
  signWith: IssuedCertificate = current,
  claims: Record<string, unknown> = {},
  header: Partial<JwtHeader> = {},
): string {
  const nbf = Math.floor(Date.now() / 1000) - 60;
  return signJwt(
    { aud: PROOF_AUDIENCE, iss: app.objectId, nbf, exp: nbf + 600, jti: randomUUID(), ...claims },
    signWith.keyPem,
    { alg: "RS256", x5t: Buffer.from(signWith.thumbprintSha1, "hex").toString("base64url"), ...header },
  );
}

function addKeyBody(app: AppRegistration, certificate: IssuedCertificate, proofJwt = proof(app)) {
  return {
    keyCredential: { type: "AsymmetricX509Cert", usage: "Verify", key: certificate.derBase64 },
    passwordCredential: null,
    proof: proofJwt,
  };
}

function errorOf(body: Record<string, unknown> | null): { code: string; message: string } {
  return (body as { error: { code: string; message: string } }).error;
}

/** A certificate time as Graph writes it: X.509 keeps whole seconds, Graph drops the zero fraction. */
const graphDate = (date: Date) =>
  new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString().replace(".000Z", "Z");

const base64Thumbprint = (c: IssuedCertificate) => Buffer.from(c.thumbprintSha1, "hex").toString("base64");

/** Grants Microsoft Graph app roles to an app (admin-consented application permissions). */
const grantGraph = (app: AppRegistration, ...roles: string[]) =>
  standIn.assignRoles(app.clientId, "https://graph.microsoft.com", roles);

/** Graph's answer to a caller without the permission an operation needs. */
const insufficientPrivileges = {
  code: "Authorization_RequestDenied",
  message: "Insufficient privileges to complete the operation.",
  innerError: {
    date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/) as unknown,
    "request-id": expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
    "client-request-id": expect.any(String) as unknown,
  },
};

describe("GET /v1.0/applications", () => {
  it("refuses an app reading its own application without a Graph permission (403 Authorization_RequestDenied)", async () => {
    const app = newApp();
    const token = await tokenFor(app.clientId, current);

    const byId = await graph("GET", `/applications/${app.objectId}`, token);
    const byAppId = await graph("GET", `/applications(appId='${app.clientId}')`, token);

    for (const { status, body } of [byId, byAppId]) {
      expect(status).toBe(403);
      expect(errorOf(body)).toEqual(insufficientPrivileges);
    }
    expect(standIn.graphRequests.map((r) => [r.appid, r.status, r.errorCode])).toEqual([
      [app.clientId, 403, "Authorization_RequestDenied"],
      [app.clientId, 403, "Authorization_RequestDenied"],
    ]);
  });

  it("returns the caller's own application in Graph's shape to an app with Application.ReadWrite.OwnedBy", async () => {
    const app = newApp("reports-sync");
    grantGraph(app, "Application.ReadWrite.OwnedBy");
    const secret = standIn.addClientSecret(app.clientId, { displayName: "ci" });
    const token = await tokenFor(app.clientId, current);

    const { status, body, headers } = await graph("GET", `/applications/${app.objectId}`, token);

    expect(status).toBe(200);
    expect(headers.get("request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(body).toEqual({
      "@odata.context": `${standIn.graphBaseUrl}/$metadata#applications/$entity`,
      id: app.objectId,
      appId: app.clientId,
      displayName: "reports-sync",
      keyCredentials: [
        {
          customKeyIdentifier: base64Thumbprint(current),
          displayName: "CN=graph-current",
          endDateTime: graphDate(current.notAfter),
          key: null,
          keyId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
          startDateTime: graphDate(current.notBefore),
          type: "AsymmetricX509Cert",
          usage: "Verify",
        },
        expect.objectContaining({ customKeyIdentifier: base64Thumbprint(expired) }) as unknown,
      ],
      passwordCredentials: [
        {
          customKeyIdentifier: null,
          displayName: "ci",
          endDateTime: expect.any(String) as unknown,
          hint: secret.secretText.slice(0, 3),
          keyId: secret.keyId,
          secretText: null,
          startDateTime: expect.any(String) as unknown,
        },
      ],
    });
    expect(standIn.graphRequests).toEqual([
      {
        at: expect.any(Date) as unknown,
        method: "GET",
        path: `/v1.0/applications/${app.objectId}`,
        appid: app.clientId,
        status: 200,
      },
    ]);
  });

  it("finds the application by appId and returns only the $select-ed properties, with the certificate's key", async () => {
    const app = newApp();
    grantGraph(app, "Application.Read.All");
    const token = await tokenFor(app.clientId, current);

    const { status, body } = await graph(
      "GET",
      `/applications(appId='${app.clientId}')?$select=id,keyCredentials`,
      token,
    );

    expect(status).toBe(200);
    expect(Object.keys(body ?? {})).toEqual(["@odata.context", "id", "keyCredentials"]);
    expect(body?.["@odata.context"]).toBe(
      `${standIn.graphBaseUrl}/$metadata#applications(id,keyCredentials)/$entity`,
    );
    expect(body?.keyCredentials).toContainEqual(expect.objectContaining({ key: current.derBase64 }));
  });

  it("answers 403 Authorization_RequestDenied to an app reading another application without a role", async () => {
    const other = newApp();
    const caller = newApp();
    const token = await tokenFor(caller.clientId, current);

    const { status, body } = await graph("GET", `/applications/${other.objectId}`, token);

    expect(status).toBe(403);
    expect(errorOf(body)).toEqual(insufficientPrivileges);
  });

  it("lets an app with Application.Read.All read another application", async () => {
    const other = newApp();
    const reader = newApp();
    standIn.assignRoles(reader.clientId, "https://graph.microsoft.com", ["Application.Read.All"]);
    const token = await tokenFor(reader.clientId, current);

    const { status, body } = await graph("GET", `/applications/${other.objectId}`, token);

    expect(status).toBe(200);
    expect(body?.appId).toBe(other.clientId);
  });

  it("lets an app with Application.ReadWrite.OwnedBy read an application it does not own (as Graph documents)", async () => {
    const other = newApp();
    const reader = newApp();
    grantGraph(reader, "Application.ReadWrite.OwnedBy");

    const { status, body } = await graph(
      "GET",
      `/applications/${other.objectId}`,
      await tokenFor(reader.clientId, current),
    );

    expect(status).toBe(200);
    expect(body?.appId).toBe(other.clientId);
  });

  it("answers 404 Request_ResourceNotFound for an application the tenant does not have", async () => {
    const app = newApp();
    const missing = randomUUID();
    const { status, body } = await graph(
      "GET",
      `/applications/${missing}`,
      await tokenFor(app.clientId, current),
    );
    expect(status).toBe(404);
    expect(errorOf(body)).toMatchObject({
      code: "Request_ResourceNotFound",
      message: `Resource '${missing}' does not exist or one of its queried reference-property objects are not present.`,
    });
  });

  it("answers 401 InvalidAuthenticationToken without a token and for a token of another resource", async () => {
    const app = newApp();
    const missing = await graph("GET", `/applications/${app.objectId}`, null);
    expect(missing.status).toBe(401);
    expect(errorOf(missing.body)).toMatchObject({
      code: "InvalidAuthenticationToken",
      message: "Access token is empty.",
    });
    expect(missing.headers.get("www-authenticate")).toMatch(/^Bearer /);

    const vaultToken = await tokenFor(app.clientId, current, "https://vault.azure.net/.default");
    const wrongAudience = await graph("GET", `/applications/${app.objectId}`, vaultToken);
    expect(wrongAudience.status).toBe(401);
    expect(errorOf(wrongAudience.body).message).toMatch(
      /^Access token validation failure\. Invalid audience\. The token is for 'https:\/\/vault\.azure\.net'/,
    );
    expect(standIn.graphRequests.map((r) => [r.appid, r.status])).toEqual([
      [null, 401],
      [null, 401],
    ]);
  });
});

describe("POST /v1.0/applications/{id}/addKey", () => {
  it("registers the certificate with a valid proof; the token endpoint accepts it at once", async () => {
    const app = newApp();
    const token = await tokenFor(app.clientId, current);

    const { status, body } = await graph("POST", `/applications/${app.objectId}/addKey`, token, {
      ...addKeyBody(app, next),
      keyCredential: { ...addKeyBody(app, next).keyCredential, displayName: "rotation 2" },
    });

    expect(status).toBe(200);
    expect(body).toEqual({
      "@odata.context": `${standIn.graphBaseUrl}/$metadata#microsoft.graph.keyCredential`,
      customKeyIdentifier: base64Thumbprint(next),
      displayName: "rotation 2",
      endDateTime: graphDate(next.notAfter),
      key: null,
      keyId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      startDateTime: graphDate(next.notBefore),
      type: "AsymmetricX509Cert",
      usage: "Verify",
    });
    await expect(tokenFor(app.clientId, next)).resolves.toEqual(expect.any(String));
  });

  it("lets another application roll the keys only with Application.ReadWrite.All, or Application.ReadWrite.OwnedBy as an owner", async () => {
    const target = newApp("target");
    const caller = newApp("key manager");
    const addKey = async () =>
      graph(
        "POST",
        `/applications/${target.objectId}/addKey`,
        await tokenFor(caller.clientId, current),
        addKeyBody(target, next),
      );

    const withoutRole = await addKey();
    expect(withoutRole.status).toBe(403);
    expect(errorOf(withoutRole.body)).toEqual(insufficientPrivileges);

    grantGraph(caller, "Application.ReadWrite.OwnedBy");
    const notOwner = await addKey();
    expect(notOwner.status).toBe(403);
    expect(errorOf(notOwner.body)).toEqual(insufficientPrivileges);

    standIn.addOwner(target.clientId, caller.servicePrincipalObjectId);
    expect((await addKey()).status).toBe(200);

    const admin = newApp("admin");
    grantGraph(admin, "Application.ReadWrite.All");
    const other = newApp("other target");
    const byAdmin = await graph(
      "POST",
      `/applications/${other.objectId}/addKey`,
      await tokenFor(admin.clientId, current),
      addKeyBody(other, next),
    );
    expect(byAdmin.status).toBe(200);
  });

  it("refuses an owner with Application.Read.All only: reading is not writing (403)", async () => {
    const target = newApp();
    const caller = newApp();
    grantGraph(caller, "Application.Read.All");
    standIn.addOwner(target.clientId, caller.servicePrincipalObjectId);

    const { status, body } = await graph(
      "POST",
      `/applications/${target.objectId}/addKey`,
      await tokenFor(caller.clientId, current),
      addKeyBody(target, next),
    );

    expect(status).toBe(403);
    expect(errorOf(body)).toEqual(insufficientPrivileges);
  });

  it("refuses to register a certificate that is already registered (400)", async () => {
    const app = newApp();
    const token = await tokenFor(app.clientId, current);

    const { status, body } = await graph(
      "POST",
      `/applications/${app.objectId}/addKey`,
      token,
      addKeyBody(app, current),
    );

    expect(status).toBe(400);
    expect(errorOf(body).code).toBe("Request_BadRequest");
    expect(errorOf(body).message).toContain(
      `A key credential with the certificate ${current.thumbprintSha1} already exists on application ${app.objectId}`,
    );
  });

  it("refuses a key that is not an X.509 certificate (400)", async () => {
    const app = newApp();
    const body = addKeyBody(app, next);
    const response = await graph(
      "POST",
      `/applications/${app.objectId}/addKey`,
      await tokenFor(app.clientId, current),
      {
        ...body,
        keyCredential: { ...body.keyCredential, key: Buffer.from("not a cert").toString("base64") },
      },
    );
    expect(response.status).toBe(400);
    expect(errorOf(response.body).message).toMatch(
      /^Invalid certificate: Key value is invalid certificate\./,
    );
  });

  const now = () => Math.floor(Date.now() / 1000);
  it.each([
    {
      problem: "an aud of Microsoft Graph instead of Azure AD Graph",
      make: (app: AppRegistration) => proof(app, current, { aud: "00000003-0000-0000-c000-000000000000" }),
      reason: () =>
        `the proof's aud is '00000003-0000-0000-c000-000000000000' (that is Microsoft Graph's app id; the proof's audience is the Azure AD Graph app id); it must be ${PROOF_AUDIENCE}.`,
    },
    {
      problem: "iss = the appId instead of the object id",
      make: (app: AppRegistration) => proof(app, current, { iss: app.clientId }),
      reason: (app: AppRegistration) =>
        `the proof's iss is '${app.clientId}', the application's appId (client id); it must be ${app.objectId}, the object id (id) of the application addressed.`,
    },
    {
      problem: "a lifetime over 10 minutes",
      make: (app: AppRegistration) => proof(app, current, { nbf: now() - 60, exp: now() - 60 + 3600 }),
      reason: () => "the proof's lifetime is 3600 seconds",
    },
    {
      problem: "an expired proof",
      make: (app: AppRegistration) => proof(app, current, { nbf: now() - 1200, exp: now() - 600 }),
      reason: () => "the proof expired at ",
    },
    {
      problem: "a signature by a certificate the application does not have",
      make: (app: AppRegistration) => proof(app, stranger),
      reason: (app: AppRegistration) =>
        `the proof's header names certificate ${stranger.thumbprintSha1} (x5t), which is not registered on application ${app.objectId}`,
    },
    {
      problem: "a signature by a registered certificate that has expired",
      make: (app: AppRegistration) => proof(app, expired),
      reason: () => `the proof is signed with certificate ${expired.thumbprintSha1} (keyId `,
    },
  ])("refuses a proof with $problem (401, saying why)", async ({ make, reason }) => {
    const app = newApp();
    const token = await tokenFor(app.clientId, current);

    const { status, body } = await graph(
      "POST",
      `/applications/${app.objectId}/addKey`,
      token,
      addKeyBody(app, next, make(app)),
    );

    expect(status).toBe(401);
    const error = errorOf(body);
    expect(error.code).toBe("Authentication_MissingOrMalformed");
    expect(error.message).toMatch(/^Access Token missing or malformed\. Proof of possession failed: /);
    expect(error.message).toContain(reason(app));
    expect(standIn.getApp(app.clientId)?.keyCredentials).toHaveLength(2);
  });

  it("finds the signing certificate by trying the registered ones when the header names none", async () => {
    const app = newApp();
    const { status } = await graph(
      "POST",
      `/applications/${app.objectId}/addKey`,
      await tokenFor(app.clientId, current),
      addKeyBody(app, next, proof(app, current, {}, { x5t: undefined })),
    );
    expect(status).toBe(200);
  });

  it("says addKey is impossible once every certificate has expired; an admin's PATCH is the way out", async () => {
    const app = standIn.registerApp({ displayName: "all expired" });
    registerExpired(app);
    const { secretText } = standIn.addClientSecret(app.clientId);
    const token = await tokenFor(app.clientId, { secret: secretText });

    const refused = await graph(
      "POST",
      `/applications/${app.objectId}/addKey`,
      token,
      addKeyBody(app, next, proof(app, expired)),
    );
    expect(refused.status).toBe(401);
    expect(errorOf(refused.body).message).toContain(
      `Every certificate registered on application ${app.objectId} has expired`,
    );
    expect(errorOf(refused.body).message).toContain("addKey is impossible");

    const admin = newApp("admin tool");
    standIn.assignRoles(admin.clientId, "https://graph.microsoft.com", ["Application.ReadWrite.All"]);
    const adminToken = await tokenFor(admin.clientId, current);
    const [registered] = standIn.getApp(app.clientId)?.keyCredentials ?? [];
    const patched = await graph("PATCH", `/applications/${app.objectId}`, adminToken, {
      keyCredentials: [
        { keyId: registered?.keyId },
        { type: "AsymmetricX509Cert", usage: "Verify", key: next.derBase64 },
      ],
    });
    expect(patched.status).toBe(204);
    await expect(tokenFor(app.clientId, next)).resolves.toEqual(expect.any(String));
  });
});

describe("POST /v1.0/applications/{id}/removeKey", () => {
  it("removes the old certificate with a proof signed by the new one; the token endpoint refuses it at once", async () => {
    const app = newApp();
    const token = await tokenFor(app.clientId, current);
    const added = await graph("POST", `/applications/${app.objectId}/addKey`, token, addKeyBody(app, next));
    expect(added.status).toBe(200);
    const oldKeyId = standIn
      .getApp(app.clientId)
      ?.keyCredentials.find((k) => k.customKeyIdentifier === current.thumbprintSha1)?.keyId;

    const removed = await graph("POST", `/applications/${app.objectId}/removeKey`, token, {
      keyId: oldKeyId,
      proof: proof(app, next),
    });

    expect(removed.status).toBe(204);
    expect(removed.body).toBeNull();
    await expect(tokenFor(app.clientId, current)).rejects.toThrow(/AADSTS700027/);
    await expect(tokenFor(app.clientId, next)).resolves.toEqual(expect.any(String));
  });

  it("refuses to remove the only valid certificate with a proof it signed itself (400)", async () => {
    const app = newApp();
    const keyId = standIn.getApp(app.clientId)?.keyCredentials[0]?.keyId;
    const { status, body } = await graph(
      "POST",
      `/applications/${app.objectId}/removeKey`,
      await tokenFor(app.clientId, current),
      { keyId, proof: proof(app, current) },
    );
    expect(status).toBe(400);
    expect(errorOf(body).message).toContain(
      `it signed this proof and is the only valid certificate of application ${app.objectId}`,
    );
  });

  it("answers 404 for a keyId the application does not have", async () => {
    const app = newApp();
    const keyId = randomUUID();
    const { status, body } = await graph(
      "POST",
      `/applications/${app.objectId}/removeKey`,
      await tokenFor(app.clientId, current),
      { keyId, proof: proof(app) },
    );
    expect(status).toBe(404);
    expect(errorOf(body).message).toBe(
      `No key credential with keyId '${keyId}' exists on application ${app.objectId}.`,
    );
  });
});

describe("scripted faults", () => {
  afterEach(() => standIn.graphFaults.clear());

  it("answers the next requests with the faults in order, Graph-shaped, then Graph again", async () => {
    const app = newApp();
    grantGraph(app, "Application.Read.All");
    const token = await tokenFor(app.clientId, current);
    standIn.graphFaults.enqueue(
      { kind: "throttle", retryAfter: "7" },
      { kind: "status", status: 503 },
      { kind: "status", status: 200, body: "<html>Gateway</html>" },
    );

    const throttled = await graph("GET", `/applications/${app.objectId}`, token);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("7");
    expect(errorOf(throttled.body).code).toBe("TooManyRequests");
    const unavailable = await graph("GET", `/applications/${app.objectId}`, token);
    expect(unavailable.status).toBe(503);
    expect(errorOf(unavailable.body).code).toBe("serviceNotAvailable");
    const html = await fetch(`${standIn.graphBaseUrl}/applications/${app.objectId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect([html.status, html.headers.get("content-type"), await html.text()]).toEqual([
      200,
      "text/html",
      "<html>Gateway</html>",
    ]);
    expect((await graph("GET", `/applications/${app.objectId}`, token)).status).toBe(200);
    expect(standIn.graphRequests.map((r) => [r.status, r.fault])).toEqual([
      [429, "throttle"],
      [503, "status"],
      [200, "status"],
      [200, undefined],
    ]);
    expect(standIn.graphFaults.pending()).toBe(0);
  });

  it("streams a large body without a Content-Length, resets, and hangs until the client gives up", async () => {
    const app = newApp();
    grantGraph(app, "Application.Read.All");
    const token = await tokenFor(app.clientId, current);
    const url = `${standIn.graphBaseUrl}/applications/${app.objectId}`;
    const headers = { authorization: `Bearer ${token}` };
    standIn.graphFaults.enqueue(
      { kind: "large", bytes: 3 * 1024 * 1024 },
      { kind: "reset" },
      { kind: "hang" },
    );

    const large = await fetch(url, { headers });
    expect(large.headers.get("content-length")).toBeNull();
    expect((await large.arrayBuffer()).byteLength).toBe(3 * 1024 * 1024);
    await expect(fetch(url, { headers })).rejects.toThrow("fetch failed");
    await expect(fetch(url, { headers, signal: AbortSignal.timeout(200) })).rejects.toThrow(
      /aborted|timeout/i,
    );
    expect(standIn.graphRequests.map((r) => r.fault)).toEqual(["large", "reset", "hang"]);
  });
});
