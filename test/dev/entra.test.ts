import { randomUUID } from "node:crypto";
import { ClientCertificateCredential, ManagedIdentityCredential } from "@azure/identity";
import { ConfidentialClientApplication, type Configuration } from "@azure/msal-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEntraStandIn, type EntraStandIn } from "../../dev/entra/startEntraStandIn.js";
import type { SigningJwk } from "../../dev/entra/SigningKeys.js";
import { decodeJwt, signJwt, verifySignature, type JwtHeader } from "../../dev/jwt.js";
import { issueCertificate, type IssuedCertificate } from "../../dev/pki/issueCertificate.js";

const DOWNSTREAM = "api://m2m-downstream";
const DAY_MS = 86_400_000;

let standIn: EntraStandIn;
/** Shifts the stand-in's clock against the real one (MSAL signs assertions with the real clock). */
let clockOffsetMs = 0;
let cert: IssuedCertificate;
let unregistered: IssuedCertificate;
let expiredOnApp: IssuedCertificate;
let clientId: string;
let secret: string;
let secretKeyId: string;

beforeAll(async () => {
  [standIn, cert, unregistered, expiredOnApp] = await Promise.all([
    startEntraStandIn({ now: () => Date.now() + clockOffsetMs }),
    issueCertificate({ subject: "CN=entra-test-app" }),
    issueCertificate({ subject: "CN=stranger" }),
    issueCertificate({ subject: "CN=expired-on-app" }),
  ]);
  standIn.registerResource({ appIdUri: DOWNSTREAM, roles: ["Reports.Read.All", "Reports.Write"] });
  clientId = standIn.registerApp({ displayName: "entra stand-in test" }).clientId;
  standIn.assignRoles(clientId, DOWNSTREAM, ["Reports.Read.All"]);
  standIn.addCertificate(clientId, { certPem: cert.certPem });
  standIn.addCertificate(clientId, {
    certPem: expiredOnApp.certPem,
    startDateTime: new Date(Date.now() - 2 * DAY_MS),
    endDateTime: new Date(Date.now() - DAY_MS),
  });
  const password = standIn.addClientSecret(clientId);
  secret = password.secretText;
  secretKeyId = password.keyId;
});
afterAll(async () => {
  await standIn?.stop();
});
afterEach(() => {
  clockOffsetMs = 0;
  standIn.resetCounters();
});

function msalClient(
  credential: Partial<Configuration["auth"]>,
  forClientId = clientId,
): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: {
      clientId: forClientId,
      authority: standIn.authority,
      knownAuthorities: [new URL(standIn.authorityHost).host],
      authorityMetadata: JSON.stringify(standIn.metadata),
      ...credential,
    },
  });
}

function withCertificate(issued: IssuedCertificate, thumbprint: "sha256" | "sha1" = "sha256") {
  return msalClient({
    clientCertificate:
      thumbprint === "sha256"
        ? { thumbprintSha256: issued.thumbprintSha256, privateKey: issued.keyPem }
        : { thumbprint: issued.thumbprintSha1, privateKey: issued.keyPem },
  });
}

async function acquire(
  client: ConfidentialClientApplication,
  scope = `${DOWNSTREAM}/.default`,
  skipCache = false,
) {
  const result = await client.acquireTokenByClientCredential({ scopes: [scope], skipCache });
  if (!result) throw new Error("MSAL returned no result");
  return result;
}

async function postToken(form: Record<string, string>, url = standIn.tokenEndpoint) {
  const response = await fetch(url, { method: "POST", body: new URLSearchParams(form) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A client assertion built by hand, PS256 with `x5t#S256` like MSAL's, with overridable claims. */
function handMadeAssertion(
  claims: Record<string, unknown> = {},
  signWith = cert,
  header: Partial<JwtHeader> = {},
) {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(
    {
      aud: standIn.tokenEndpoint,
      iss: clientId,
      sub: clientId,
      jti: randomUUID(),
      nbf: now,
      exp: now + 600,
      ...claims,
    },
    signWith.keyPem,
    { alg: "PS256", "x5t#S256": Buffer.from(cert.thumbprintSha256, "hex").toString("base64url"), ...header },
  );
}

function assertionForm(assertion: string): Record<string, string> {
  return {
    grant_type: "client_credentials",
    client_id: clientId,
    scope: `${DOWNSTREAM}/.default`,
    client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    client_assertion: assertion,
  };
}

describe("discovery", () => {
  it("serves the v2.0 discovery document with the tenant's endpoints", async () => {
    const response = await fetch(`${standIn.authority}/v2.0/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata).toEqual(standIn.metadata);
    expect(metadata).toMatchObject({
      issuer: `${standIn.authorityHost}/${standIn.tenantId}/v2.0`,
      token_endpoint: `${standIn.authorityHost}/${standIn.tenantId}/oauth2/v2.0/token`,
      jwks_uri: `${standIn.authorityHost}/${standIn.tenantId}/discovery/v2.0/keys`,
      id_token_signing_alg_values_supported: ["RS256"],
    });
    expect(standIn.metadataRequests).toBe(1);
  });

  it("answers for a registered domain with the tenant id's endpoints", async () => {
    standIn.addTenantDomain("contoso.onmicrosoft.com");
    const response = await fetch(
      `${standIn.authorityHost}/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration`,
    );
    expect(await response.json()).toMatchObject({
      issuer: standIn.issuer,
      token_endpoint: standIn.tokenEndpoint,
    });
  });

  it("serves the v1 document too", async () => {
    const response = await fetch(`${standIn.authority}/.well-known/openid-configuration`);
    expect(await response.json()).toMatchObject({
      token_endpoint: `${standIn.authority}/oauth2/token`,
      jwks_uri: `${standIn.authority}/discovery/keys`,
    });
  });

  it("answers AADSTS90002 (invalid_tenant) for an unknown tenant", async () => {
    const response = await fetch(
      `${standIn.authorityHost}/nobody.onmicrosoft.com/v2.0/.well-known/openid-configuration`,
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ error: "invalid_tenant", error_codes: [90002] });
    expect(body.error_description).toMatch(/^AADSTS90002: Tenant 'nobody\.onmicrosoft\.com' not found\. /);
  });

  it("publishes the signing key as a JWKS whose kid is the certificate's x5t", async () => {
    const { keys } = (await (await fetch(standIn.jwksUri)).json()) as { keys: SigningJwk[] };
    expect(keys).toHaveLength(1);
    const [key] = keys;
    expect(key).toMatchObject({ kty: "RSA", use: "sig", e: "AQAB" });
    expect(key?.kid).toBe(key?.x5t);
    expect(key?.x5c).toHaveLength(1);
  });
});

describe("client credentials with a certificate, through MSAL Node", () => {
  it("issues a token with the resource's aud, the assigned roles and app claims, then answers from MSAL's cache", async () => {
    const client = withCertificate(cert);
    const first = await acquire(client);

    const decoded = decodeJwt(first.accessToken);
    expect(decoded.header).toMatchObject({ alg: "RS256", typ: "JWT" });
    expect(decoded.claims).toMatchObject({
      aud: DOWNSTREAM,
      iss: standIn.issuer,
      tid: standIn.tenantId,
      appid: clientId,
      azp: clientId,
      appidacr: "2",
      azpacr: "2",
      idtyp: "app",
      roles: ["Reports.Read.All"],
      oid: standIn.getApp(clientId)?.servicePrincipalObjectId,
      sub: standIn.getApp(clientId)?.servicePrincipalObjectId,
      ver: "2.0",
    });
    expect(standIn.tokenRequests).toEqual([
      expect.objectContaining({
        clientId,
        grant: "certificate",
        alg: "PS256",
        thumbprintSha256: cert.thumbprintSha256,
        thumbprintSha1: cert.thumbprintSha1,
        scope: `${DOWNSTREAM}/.default`,
        outcome: "issued",
      }),
    ]);

    const second = await acquire(client);
    expect(second.fromCache).toBe(true);
    expect(second.accessToken).toBe(first.accessToken);
    expect(standIn.tokenRequests).toHaveLength(1);
    expect(standIn.metadataRequests).toBe(0);
  });

  it("signs tokens that verify against the JWKS fetched over HTTPS", async () => {
    const token = decodeJwt((await acquire(withCertificate(cert))).accessToken);
    const { keys } = (await (await fetch(standIn.jwksUri)).json()) as { keys: SigningJwk[] };
    const key = keys.find((k) => k.kid === token.header.kid);
    if (!key) throw new Error(`kid ${token.header.kid ?? "(none)"} is not in the JWKS`);
    expect(verifySignature(token, { kty: key.kty, n: key.n, e: key.e })).toBe(true);
  });

  it("accepts the SHA-1 thumbprint: RS256 with x5t", async () => {
    await acquire(withCertificate(cert, "sha1"));
    expect(standIn.tokenRequests[0]).toMatchObject({ grant: "certificate", alg: "RS256", outcome: "issued" });
  });

  it("puts no roles claim in a token for a resource without assigned roles", async () => {
    const token = await acquire(withCertificate(cert), "https://vault.azure.net/.default");
    const claims = decodeJwt(token.accessToken).claims;
    expect(claims.aud).toBe("https://vault.azure.net");
    expect(claims).not.toHaveProperty("roles");
  });

  it("accepts the assertion MSAL reuses for a second request from the same client, as Entra ID does", async () => {
    const client = withCertificate(cert);
    await acquire(client, `${DOWNSTREAM}/.default`, true);
    await acquire(client, `${DOWNSTREAM}/.default`, true);
    expect(standIn.tokenRequests.map((r) => r.outcome)).toEqual(["issued", "issued"]);
  });

  it("discovers the endpoints itself without authorityMetadata, also for an authority named by a domain", async () => {
    standIn.addTenantDomain("fabrikam.onmicrosoft.com");
    const client = new ConfidentialClientApplication({
      auth: {
        clientId,
        authority: `${standIn.authorityHost}/fabrikam.onmicrosoft.com`,
        knownAuthorities: [new URL(standIn.authorityHost).host],
        clientCertificate: { thumbprintSha256: cert.thumbprintSha256, privateKey: cert.keyPem },
      },
    });
    const token = await acquire(client);
    expect(decodeJwt(token.accessToken).claims.tid).toBe(standIn.tenantId);
    expect(standIn.metadataRequests).toBe(1);
    expect(standIn.tokenRequests).toEqual([
      expect.objectContaining({ tenant: "fabrikam.onmicrosoft.com", outcome: "issued" }),
    ]);
  });

  it("answers AADSTS700027 with the thumbprint for a certificate the app does not have", async () => {
    await expect(acquire(withCertificate(unregistered))).rejects.toThrow(
      `AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${unregistered.thumbprintSha256}'`,
    );
    expect(standIn.tokenRequests).toEqual([
      expect.objectContaining({
        grant: "certificate",
        thumbprintSha256: unregistered.thumbprintSha256,
        outcome: 700027,
      }),
    ]);
  });

  it("answers AADSTS700027 for a registered key whose endDateTime has passed", async () => {
    await expect(acquire(withCertificate(expiredOnApp))).rejects.toThrow(
      /AADSTS700027: Client assertion contains an invalid signature\. \[Reason - The key used is expired\., Thumbprint of key used by client: '[0-9A-F]{64}', Found key 'Start=\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d, End=/,
    );
  });

  it("tolerates an assertion up to clockToleranceSeconds in the future", async () => {
    clockOffsetMs = -20_000;
    await expect(acquire(withCertificate(cert))).resolves.toMatchObject({ fromCache: false });
  });

  it("answers AADSTS700024 for an assertion from the future beyond the tolerance", async () => {
    clockOffsetMs = -120_000;
    await expect(acquire(withCertificate(cert))).rejects.toThrow(
      /AADSTS700024: Client assertion is not within its valid time range\. Current time: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z, assertion valid from /,
    );
  });
});

describe("client credentials through @azure/identity", () => {
  it("issues a token to ClientCertificateCredential given authorityHost and disableInstanceDiscovery", async () => {
    const credential = new ClientCertificateCredential(
      standIn.tenantId,
      clientId,
      { certificate: cert.certPem + cert.keyPem },
      { authorityHost: standIn.authorityHost, disableInstanceDiscovery: true },
    );
    const token = await credential.getToken(`${DOWNSTREAM}/.default`);
    expect(decodeJwt(token.token).claims).toMatchObject({ appid: clientId, roles: ["Reports.Read.All"] });
    expect(standIn.tokenRequests).toEqual([
      expect.objectContaining({ grant: "certificate", outcome: "issued" }),
    ]);
  });
});

describe("hand-made client assertions", () => {
  it("accepts the same assertion twice by default, as Entra ID does", async () => {
    const form = assertionForm(handMadeAssertion());
    expect((await postToken(form)).status).toBe(200);
    expect((await postToken(form)).status).toBe(200);
  });

  it("rejects a replayed assertion when started with rejectReplayedAssertions", async () => {
    const strict = await startEntraStandIn({ rejectReplayedAssertions: true, tenantId: standIn.tenantId });
    try {
      strict.registerResource({ appIdUri: DOWNSTREAM });
      strict.registerApp({ displayName: "strict", clientId });
      strict.addCertificate(clientId, { certPem: cert.certPem });
      const now = Math.floor(Date.now() / 1000);
      const assertion = signJwt(
        {
          aud: strict.tokenEndpoint,
          iss: clientId,
          sub: clientId,
          jti: randomUUID(),
          nbf: now,
          exp: now + 600,
        },
        cert.keyPem,
        { alg: "PS256", "x5t#S256": Buffer.from(cert.thumbprintSha256, "hex").toString("base64url") },
      );
      const form = assertionForm(assertion);
      expect((await postToken(form, strict.tokenEndpoint)).status).toBe(200);
      const replay = await postToken(form, strict.tokenEndpoint);
      expect(replay).toMatchObject({ status: 401, body: { error: "invalid_client", error_codes: [50013] } });
    } finally {
      await strict.stop();
    }
  });

  it("rejects an assertion whose aud is not the token endpoint with AADSTS700023", async () => {
    const { status, body } = await postToken(
      assertionForm(handMadeAssertion({ aud: "https://login.example.com/token" })),
    );
    expect(status).toBe(401);
    expect(body).toMatchObject({ error: "invalid_client", error_codes: [700023] });
    expect(body.error_description).toMatch(
      /^AADSTS700023: Client assertion audience claim does not match Realm issuer\./,
    );
  });

  it("rejects an assertion whose iss and sub are another client's with AADSTS700021", async () => {
    const other = randomUUID();
    const { body } = await postToken(assertionForm(handMadeAssertion({ iss: other, sub: other })));
    expect(body).toMatchObject({ error: "invalid_client", error_codes: [700021] });
  });

  it("rejects an expired assertion with AADSTS700024", async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    const { body } = await postToken(assertionForm(handMadeAssertion({ nbf: past - 600, exp: past })));
    expect(body).toMatchObject({ error: "invalid_client", error_codes: [700024] });
  });

  it("rejects an assertion signed by another key than the registered certificate's with AADSTS700027", async () => {
    const { body } = await postToken(assertionForm(handMadeAssertion({}, unregistered)));
    expect(body).toMatchObject({ error: "invalid_client", error_codes: [700027] });
    expect(body.error_description).toContain(
      "Client assertion failed signature validation. [Reason - Key was found, but use of the key to verify the signature failed.",
    );
  });

  it("rejects an assertion without a thumbprint in its header with AADSTS50027", async () => {
    const { body } = await postToken(assertionForm(handMadeAssertion({}, cert, { "x5t#S256": "" })));
    expect(body).toMatchObject({ error_codes: [50027] });
  });
});

describe("client credentials with a client secret", () => {
  it("issues a token with appidacr 1", async () => {
    const token = await acquire(msalClient({ clientSecret: secret }));
    expect(decodeJwt(token.accessToken).claims).toMatchObject({ appidacr: "1", roles: ["Reports.Read.All"] });
    expect(standIn.tokenRequests[0]).toMatchObject({ grant: "client_secret", outcome: "issued" });
  });

  it("answers AADSTS7000215 for the secret's id instead of its value", async () => {
    await expect(acquire(msalClient({ clientSecret: secretKeyId }))).rejects.toThrow(
      `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    );
    expect(standIn.tokenRequests[0]).toMatchObject({ grant: "client_secret", outcome: 7000215 });
  });

  it("answers AADSTS7000222 for an expired secret", async () => {
    const expired = standIn.addClientSecret(clientId, {
      startDateTime: new Date(Date.now() - 2 * DAY_MS),
      endDateTime: new Date(Date.now() - DAY_MS),
    });
    await expect(acquire(msalClient({ clientSecret: expired.secretText }))).rejects.toThrow(
      `AADSTS7000222: The provided client secret keys for app '${clientId}' are expired.`,
    );
  });

  it("returns the secret once, with a three-character hint", () => {
    const created = standIn.addClientSecret(clientId, { secretText: "abcdefghij" });
    expect(created).toMatchObject({ secretText: "abcdefghij", hint: "abc" });
    const stored = standIn.getApp(clientId)?.passwordCredentials.find((p) => p.keyId === created.keyId);
    expect(stored).toEqual({ ...created, secretText: undefined });
  });
});

describe("token endpoint errors in Entra ID's shape", () => {
  const secretForm = () => ({ grant_type: "client_credentials", client_id: clientId, client_secret: secret });

  it("answers AADSTS1002012 (invalid_scope) for a scope that is not <resource>/.default", async () => {
    const { status, body } = await postToken({ ...secretForm(), scope: `${DOWNSTREAM}/Reports.Read.All` });
    expect(status).toBe(400);
    expect(body).toMatchObject({
      error: "invalid_scope",
      error_codes: [1002012],
      error_uri: "https://login.microsoftonline.com/error?code=1002012",
    });
    expect(body.error_description).toMatch(
      /^AADSTS1002012: The provided value for scope api:\/\/m2m-downstream\/Reports\.Read\.All is not valid\. Client credential flows must have a scope value with \/\.default suffixed to the resource identifier \(application ID URI\)\. Trace ID: [0-9a-f-]{36} Correlation ID: [0-9a-f-]{36} Timestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/,
    );
    expect(body.trace_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers AADSTS70011 for more than one scope", async () => {
    const { body } = await postToken({
      ...secretForm(),
      scope: `${DOWNSTREAM}/.default https://vault.azure.net/.default`,
    });
    expect(body).toMatchObject({ error: "invalid_scope", error_codes: [70011] });
  });

  it("answers AADSTS500011 naming a resource the tenant does not have", async () => {
    const { body } = await postToken({ ...secretForm(), scope: "api://nobody/.default" });
    expect(body).toMatchObject({ error: "invalid_resource", error_codes: [500011] });
    expect(body.error_description).toContain(
      "The resource principal named api://nobody was not found in the tenant",
    );
  });

  it("answers AADSTS700016 (unauthorized_client) for a client id the tenant does not have", async () => {
    const stranger = randomUUID();
    await expect(acquire(msalClient({ clientSecret: "x" }, stranger))).rejects.toThrow(
      `AADSTS700016: Application with identifier '${stranger}' was not found in the directory '${standIn.tenantId}'.`,
    );
  });

  it("answers AADSTS70003 (unsupported_grant_type) for another grant", async () => {
    const { body } = await postToken({
      ...secretForm(),
      grant_type: "password",
      scope: `${DOWNSTREAM}/.default`,
    });
    expect(body).toMatchObject({ error: "unsupported_grant_type", error_codes: [70003] });
  });

  it("answers AADSTS7000218 (401 invalid_client) when no credential is sent", async () => {
    const { status, body } = await postToken({
      grant_type: "client_credentials",
      client_id: clientId,
      scope: `${DOWNSTREAM}/.default`,
    });
    expect(status).toBe(401);
    expect(body).toMatchObject({ error: "invalid_client", error_codes: [7000218] });
  });

  it("answers AADSTS90002 on the token endpoint of an unknown tenant", async () => {
    const url = `${standIn.authorityHost}/${randomUUID()}/oauth2/v2.0/token`;
    const { body } = await postToken({ ...secretForm(), scope: `${DOWNSTREAM}/.default` }, url);
    expect(body).toMatchObject({ error: "invalid_request", error_codes: [90002] });
  });
});

describe("managed identity, App Service 2019-08-01, through @azure/identity", () => {
  const saved = { endpoint: process.env.IDENTITY_ENDPOINT, header: process.env.IDENTITY_HEADER };
  beforeAll(() => {
    // MSAL Node (inside @azure/identity) picks the managed identity source once per process, from these.
    process.env.IDENTITY_ENDPOINT = standIn.managedIdentity.endpoint;
    process.env.IDENTITY_HEADER = standIn.managedIdentity.header;
  });
  afterAll(() => {
    for (const [name, value] of [
      ["IDENTITY_ENDPOINT", saved.endpoint],
      ["IDENTITY_HEADER", saved.header],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it("issues the system-assigned identity a Key Vault token", async () => {
    const token = await new ManagedIdentityCredential().getToken("https://vault.azure.net/.default");
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 3_600_000);
    expect(decodeJwt(token.token).claims).toMatchObject({
      aud: "https://vault.azure.net",
      iss: standIn.issuer,
      tid: standIn.tenantId,
      oid: standIn.managedIdentity.principalId,
      sub: standIn.managedIdentity.principalId,
      appid: standIn.managedIdentity.clientId,
      idtyp: "app",
      xms_mirid: standIn.managedIdentity.resourceId,
    });
    expect(standIn.managedIdentityRequests).toEqual([
      expect.objectContaining({
        clientId: standIn.managedIdentity.clientId,
        resource: "https://vault.azure.net",
        outcome: "issued",
      }),
    ]);
  });

  it("issues a user-assigned identity, selected by client id, its own token", async () => {
    const userAssigned = standIn.addUserAssignedIdentity("reports-sync");
    const token = await new ManagedIdentityCredential({ clientId: userAssigned.clientId }).getToken(
      "https://vault.azure.net/.default",
    );
    const claims = decodeJwt(token.token).claims;
    expect(claims).toMatchObject({ appid: userAssigned.clientId, oid: userAssigned.principalId });
    expect(claims.xms_mirid).toMatch(/\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/reports-sync$/);
  });

  it("answers App Service's 400 for a user-assigned identity it does not have", async () => {
    const credential = new ManagedIdentityCredential({ clientId: randomUUID() });
    await expect(credential.getToken("https://vault.azure.net/.default")).rejects.toThrow(
      "Unable to load the proper Managed Identity.",
    );
  });

  it("rejects a request with a wrong X-IDENTITY-HEADER (401) or none (400)", async () => {
    const url = `${standIn.managedIdentity.endpoint}?api-version=2019-08-01&resource=https://vault.azure.net`;
    expect((await fetch(url, { headers: { "X-IDENTITY-HEADER": "guess" } })).status).toBe(401);
    expect((await fetch(url)).status).toBe(400);
  });

  it("answers App Service's response shape, expires_on in Unix seconds as a string", async () => {
    const url = `${standIn.managedIdentity.endpoint}?api-version=2019-08-01&resource=https://vault.azure.net`;
    const response = await fetch(url, { headers: { "X-IDENTITY-HEADER": standIn.managedIdentity.header } });
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.expires_on).toMatch(/^\d{10}$/);
    expect(body).toMatchObject({
      resource: "https://vault.azure.net",
      token_type: "Bearer",
      client_id: standIn.managedIdentity.clientId,
    });
  });

  describe("as the federated credential of an app registration", () => {
    const assertion = async () =>
      (await new ManagedIdentityCredential().getToken("api://AzureADTokenExchange/.default")).token;

    it("issues an app token for an assertion that matches a federated identity credential", async () => {
      const federated = standIn.registerApp({ displayName: "federated app" }).clientId;
      standIn.assignRoles(federated, DOWNSTREAM, ["Reports.Write"]);
      standIn.addFederatedCredential(federated, {
        issuer: standIn.issuer,
        subject: standIn.managedIdentity.principalId,
        audiences: ["api://AzureADTokenExchange"],
      });
      const token = await acquire(msalClient({ clientAssertion: assertion }, federated));
      expect(decodeJwt(token.accessToken).claims).toMatchObject({
        appid: federated,
        azpacr: "2",
        roles: ["Reports.Write"],
      });
      expect(standIn.tokenRequests).toEqual([
        expect.objectContaining({ grant: "federated", outcome: "issued" }),
      ]);
      expect(standIn.managedIdentityRequests.map((r) => r.resource)).toContain("api://AzureADTokenExchange");
    });

    it("answers AADSTS70021 when no federated identity credential matches", async () => {
      const lonely = standIn.registerApp({ displayName: "no federation" }).clientId;
      await expect(acquire(msalClient({ clientAssertion: assertion }, lonely))).rejects.toThrow(
        `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${standIn.issuer}'. Assertion Subject: '${standIn.managedIdentity.principalId}'. Assertion Audience: 'api://AzureADTokenExchange'.`,
      );
    });
  });
});

describe("signing key rotation", () => {
  it("lists the new key first, keeps the old one, and signs new tokens with the new key", async () => {
    const before = decodeJwt(
      (await acquire(withCertificate(cert), `${DOWNSTREAM}/.default`, true)).accessToken,
    );
    const newKid = await standIn.rotateSigningKey();
    const { keys } = (await (await fetch(standIn.jwksUri)).json()) as { keys: SigningJwk[] };
    expect(keys.map((k) => k.kid)).toEqual([newKid, before.header.kid]);
    const after = decodeJwt(
      (await acquire(withCertificate(cert), `${DOWNSTREAM}/.default`, true)).accessToken,
    );
    expect(after.header.kid).toBe(newKid);
  });
});

describe("token endpoint faults", () => {
  const form = () => ({
    grant_type: "client_credentials",
    client_id: clientId,
    client_secret: secret,
    scope: `${DOWNSTREAM}/.default`,
  });
  const post = (signal?: AbortSignal) =>
    fetch(standIn.tokenEndpoint, {
      method: "POST",
      body: new URLSearchParams(form()),
      headers: { "client-request-id": "c0ffee00-0000-4000-8000-000000000001" },
      ...(signal ? { signal } : {}),
    });
  afterEach(() => standIn.tokenFaults.clear());

  it("answers one request per fault, in order, then issues tokens again", async () => {
    standIn.tokenFaults.enqueue({ kind: "throttle", retryAfter: "7" }, { kind: "status", status: 503 });
    expect(standIn.tokenFaults.pending()).toBe(2);

    const throttled = await post();
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("7");
    expect(throttled.headers.get("content-type")).toBe("text/plain");
    expect(await throttled.text()).toBe("Too Many Requests");

    const unavailable = await post();
    expect(unavailable.status).toBe(503);
    const body = (await unavailable.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      error: "temporarily_unavailable",
      error_codes: [90033],
      correlation_id: "c0ffee00-0000-4000-8000-000000000001",
    });
    expect(body.error_description).toMatch(
      /^AADSTS90033: A transient error has occurred\. Please try again\. Trace ID: [0-9a-f-]{36} Correlation ID: c0ffee00-0000-4000-8000-000000000001 Timestamp: /,
    );

    expect((await post()).status).toBe(200);
    expect(standIn.tokenRequests.map((r) => [r.outcome, r.fault, r.clientId, r.grant])).toEqual([
      ["fault", "throttle", clientId, "client_secret"],
      ["fault", "status", clientId, "client_secret"],
      ["issued", undefined, clientId, "client_secret"],
    ]);
  });

  it("answers a status fault without a body with the reason phrase as text, and a given body as it is", async () => {
    standIn.tokenFaults.enqueue(
      { kind: "status", status: 500 },
      {
        kind: "status",
        status: 502,
        body: "<html>Bad Gateway</html>",
        headers: { "Content-Type": "text/html" },
      },
      { kind: "status", status: 500, body: { error: { code: "InternalError", message: "boom" } } },
    );
    const plain = await post();
    expect([plain.status, plain.headers.get("content-type"), await plain.text()]).toEqual([
      500,
      "text/plain",
      "Internal Server Error",
    ]);
    const html = await post();
    expect([html.status, html.headers.get("content-type"), await html.text()]).toEqual([
      502,
      "text/html",
      "<html>Bad Gateway</html>",
    ]);
    const json = await post();
    expect(await json.json()).toEqual({ error: { code: "InternalError", message: "boom" } });
  });

  it("resets the connection, or never answers", async () => {
    standIn.tokenFaults.enqueue({ kind: "reset" }, { kind: "hang" });
    const reset = await post().catch((e: unknown) => e);
    expect(reset).toMatchObject({ name: "TypeError", message: "fetch failed" });

    const hung = await post(AbortSignal.timeout(300)).catch((e: unknown) => e);
    expect(hung).toMatchObject({ name: "TimeoutError" });
    expect(standIn.tokenRequests.map((r) => r.fault)).toEqual(["reset", "hang"]);
  });

  it("streams a large 200 body without a Content-Length", async () => {
    standIn.tokenFaults.enqueue({ kind: "large", bytes: 200_000 });
    const large = await post();
    expect([large.status, large.headers.get("content-length")]).toEqual([200, null]);
    const text = await large.text();
    expect(text).toHaveLength(200_000);
    expect(text.startsWith('{"data":"xxx')).toBe(true);
    expect(standIn.tokenRequests.map((r) => r.fault)).toEqual(["large"]);
  });

  it("refuses a fault it cannot answer", () => {
    expect(() => standIn.tokenFaults.enqueue({ kind: "large", bytes: 0 })).toThrow(
      "large fault needs bytes > 0, got 0",
    );
    expect(() => standIn.tokenFaults.enqueue({ kind: "throttle", retryAfter: " " })).toThrow(
      'throttle fault needs retryAfter: delta seconds ("2") or an HTTP date',
    );
    expect(() => standIn.tokenFaults.enqueue({ kind: "status", status: 99 })).toThrow(
      "status fault needs an HTTP status 100-599, got 99",
    );
    expect(standIn.tokenFaults.pending()).toBe(0);
  });
});
