import { createHash, createPrivateKey, createPublicKey, webcrypto, X509Certificate } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import { CertificateClient } from "@azure/keyvault-certificates";
import { SecretClient } from "@azure/keyvault-secrets";
import forge from "node-forge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signJwt } from "../../dev/jwt.js";
import {
  startKeyVaultStandIn,
  type KeyVaultStandIn,
  type KeyVaultStandInOptions,
} from "../../dev/keyvault/startKeyVaultStandIn.js";
import { issueCertificate, type IssuedCertificate } from "../../dev/pki/issueCertificate.js";
import { issueServerTls } from "../../dev/pki/serverTls.js";
import { x509 } from "../../dev/pki/x509.js";

const TENANT = "5d1f1c0e-1111-4222-8333-944455556666";
const READER_OID = "7a1b2c3d-1111-4222-8333-944455556666";
const STRANGER_OID = "9f9f9f9f-1111-4222-8333-944455556666";
const DAY_MS = 86_400_000;

/** A tiny token issuer: an RSA signing key published as a JWKS over HTTPS, as Entra ID publishes its keys. */
async function startTokenIssuer() {
  const signers: { kid: string; key: IssuedCertificate }[] = [];
  let jwksFetches = 0;
  const addKey = async () => {
    const key = await issueCertificate({ subject: "CN=test token signer" });
    const signer = { kid: key.thumbprintSha1, key };
    signers.push(signer);
    return signer;
  };
  await addKey();
  const tls = await issueServerTls();
  const server: Server = createServer({ cert: tls.cert, key: tls.key }, (_req, res) => {
    jwksFetches += 1;
    const keys = signers.map(({ kid, key }) => ({
      kty: "RSA",
      use: "sig",
      kid,
      ...createPublicKey(key.certPem).export({ format: "jwk" }),
      x5c: [key.derBase64],
    }));
    res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const authorityHost = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${authorityHost}/${TENANT}/v2.0`;

  const mint = (claims: Record<string, unknown> = {}, signer = signers[0]!) => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    return signJwt(
      {
        aud: "https://vault.azure.net",
        iss: issuer,
        tid: TENANT,
        oid: READER_OID,
        appid: "0a1b2c3d-1111-4222-8333-944455556666",
        iat: nowSeconds,
        nbf: nowSeconds,
        exp: nowSeconds + 3600,
        ...claims,
      },
      signer.key.keyPem,
      { kid: signer.kid },
    );
  };

  /** A real TokenCredential (the @azure/core-auth interface) that records what the SDK asked for. */
  const credential = (claims: Record<string, unknown> = {}) => {
    const calls: { scopes: string[]; tenantId: string | undefined }[] = [];
    const tokenCredential: TokenCredential = {
      getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
        calls.push({ scopes: [scopes].flat(), tenantId: options?.tenantId });
        return Promise.resolve({ token: mint(claims), expiresOnTimestamp: Date.now() + 3_600_000 });
      },
    };
    return { tokenCredential, calls };
  };

  return {
    options: {
      authorityHost,
      tenantId: TENANT,
      jwksUri: `${authorityHost}/${TENANT}/discovery/v2.0/keys`,
      issuer,
    },
    mint,
    credential,
    addKey,
    jwksFetches: () => jwksFetches,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

type TokenIssuer = Awaited<ReturnType<typeof startTokenIssuer>>;

const clientOptions = { disableChallengeResourceVerification: true };
let issuer: TokenIssuer;
const vaults: KeyVaultStandIn[] = [];

async function startVault(options: Partial<KeyVaultStandInOptions> = {}): Promise<KeyVaultStandIn> {
  const vault = await startKeyVaultStandIn({
    ...issuer.options,
    allowedPrincipals: [READER_OID],
    ...options,
  });
  vaults.push(vault);
  return vault;
}

/** The labels of a PEM's blocks, in order ("PRIVATE KEY", "CERTIFICATE", ...). */
const pemBlocks = (pem: string) => [...pem.matchAll(/-{5}BEGIN ([A-Z ]+)-{5}/g)].map((m) => m[1]);
const sha1Hex = (der: Uint8Array) => createHash("sha1").update(der).digest("hex");

beforeAll(async () => {
  issuer = await startTokenIssuer();
});
afterAll(async () => {
  await Promise.all(vaults.map((vault) => vault.stop()));
  await issuer?.stop();
});

describe("Key Vault stand-in, through the real SDK clients", () => {
  let vault: KeyVaultStandIn;
  let certificates: CertificateClient;
  let secrets: SecretClient;
  let ca: IssuedCertificate;
  let appCert: IssuedCertificate;
  let first: { version: string };
  let second: { version: string };

  beforeAll(async () => {
    vault = await startVault();
    [ca, appCert] = await Promise.all([
      issueCertificate({ subject: "CN=test CA", isCa: true, validDays: 365 }),
      issueCertificate({ subject: "CN=app-cert", validDays: 90 }),
    ]);
    first = vault.importCertificate("app-cert", {
      certPem: (await issueCertificate({ subject: "CN=app-cert" })).certPem,
    });
    second = vault.importCertificate("app-cert", {
      certPem: appCert.certPem,
      keyPem: appCert.keyPem,
      tags: { owner: "jobs" },
    });
    certificates = new CertificateClient(vault.url, issuer.credential().tokenCredential, clientOptions);
    secrets = new SecretClient(vault.url, issuer.credential().tokenCredential, clientOptions);
  });

  it("answers the SDK's first request with a challenge, then serves the retry that carries the token", async () => {
    const { tokenCredential, calls } = issuer.credential();
    const client = new CertificateClient(vault.url, tokenCredential, clientOptions);
    vault.resetRequests();

    await client.getCertificate("app-cert");

    expect(vault.requests).toEqual([
      { method: "GET", path: "/certificates/app-cert/", status: 401, authenticated: false },
      { method: "GET", path: "/certificates/app-cert/", status: 200, authenticated: true },
    ]);
    expect(calls).toEqual([{ scopes: ["https://vault.azure.net/.default"], tenantId: TENANT }]);

    const response = await fetch(`${vault.url}/certificates/app-cert?api-version=7.6`);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe(
      `Bearer authorization="${issuer.options.authorityHost}/${TENANT}", resource="https://vault.azure.net"`,
    );
    expect(await response.json()).toEqual({
      error: { code: "Unauthorized", message: "AKV10000: Request is missing a Bearer or PoP token." },
    });
  });

  it("returns the latest version's properties with expiry, version, thumbprint, DER and policy", async () => {
    const latest = await certificates.getCertificate("app-cert");

    expect(latest.properties.version).toBe(second.version);
    expect(latest.properties.expiresOn).toEqual(
      new Date(Math.floor(appCert.notAfter.getTime() / 1000) * 1000),
    );
    expect(latest.properties.notBefore).toEqual(
      new Date(Math.floor(appCert.notBefore.getTime() / 1000) * 1000),
    );
    expect(latest.properties).toMatchObject({
      enabled: true,
      recoveryLevel: "Recoverable+Purgeable",
      tags: { owner: "jobs" },
    });
    expect(latest.properties.x509ThumbprintString).toBe(appCert.thumbprintSha1.toLowerCase());
    expect(Buffer.from(latest.cer!).toString("base64")).toBe(appCert.derBase64);
    expect(latest.secretId).toBe(`${vault.url}/secrets/app-cert/${second.version}`);
    expect(latest.policy).toMatchObject({ issuerName: "Self", subject: "CN=app-cert" });
  });

  it("returns a pinned version", async () => {
    const pinned = await certificates.getCertificateVersion("app-cert", first.version);
    expect(pinned.properties.version).toBe(first.version);
    expect(pinned.properties.id).toBe(`${vault.url}/certificates/app-cert/${first.version}`);
  });

  it("lists a certificate's versions with their expiry", async () => {
    const versions = [];
    for await (const properties of certificates.listPropertiesOfCertificateVersions("app-cert"))
      versions.push(properties);
    expect(versions.map((v) => v.version)).toEqual([first.version, second.version]);
    expect(versions.every((v) => v.expiresOn instanceof Date)).toBe(true);
  });

  it("returns the policy Key Vault derives from an imported certificate", async () => {
    const policy = await certificates.getCertificatePolicy("app-cert");
    expect(policy).toMatchObject({
      issuerName: "Self",
      subject: "CN=app-cert",
      validityInMonths: 3,
      contentType: "application/x-pem-file",
      exportable: true,
      keyType: "RSA",
      keySize: 2048,
      reuseKey: false,
      keyUsage: ["digitalSignature", "keyEncipherment"],
      lifetimeActions: [{ action: "AutoRenew", lifetimePercentage: 80 }],
    });
  });

  it("creates a new Self-signed version from the existing policy, which becomes the latest", async () => {
    const cert = await issueCertificate({ subject: "CN=renewable", validDays: 90 });
    const old = vault.importCertificate("renewable", { certPem: cert.certPem, keyPem: cert.keyPem });
    const policy = await certificates.getCertificatePolicy("renewable");

    const poller = await certificates.beginCreateCertificate("renewable", policy, { intervalInMs: 10 });
    const created = await poller.pollUntilDone();

    expect(created.properties.version).not.toBe(old.version);
    const latest = await certificates.getCertificate("renewable");
    expect(latest.properties.version).toBe(created.properties.version);
    expect(latest.properties.x509ThumbprintString).not.toBe(cert.thumbprintSha1.toLowerCase());
    const issued = new X509Certificate(latest.cer!);
    expect(issued.subject).toBe("CN=renewable");
    const months = (latest.properties.expiresOn!.getTime() - Date.now()) / (30.4375 * DAY_MS);
    expect(months).toBeGreaterThan(2.8);
    expect(months).toBeLessThan(3.2);
    expect(vault.getVersions("renewable").map((v) => [v.version, v.status])).toEqual([
      [old.version, "completed"],
      [created.properties.version, "completed"],
    ]);

    const secret = await secrets.getSecret("renewable");
    expect(secret.properties.version).toBe(created.properties.version);
    expect(issued.checkPrivateKey(createPrivateKey(secret.value!))).toBe(true);
  });

  it("refuses a create while another is pending, and completes the pending one with a merge", async () => {
    const policy = {
      issuerName: "Unknown",
      subject: "CN=csr-cert",
      contentType: "application/x-pem-file",
    } as const;
    const poller = await certificates.beginCreateCertificate("csr-cert", policy);
    const operation = (await certificates.getCertificateOperation("csr-cert")).getOperationState()
      .certificateOperation!;
    expect(operation).toMatchObject({ status: "inProgress", issuerName: "Unknown" });
    expect(poller.isDone()).toBe(false);

    const conflict = await certificates
      .beginCreateCertificate("csr-cert", policy)
      .catch((error: unknown) => error);
    expect(conflict).toMatchObject({ statusCode: 409, code: "Conflict" });

    const pendingSecret = await secrets.getSecret("csr-cert").catch((error: unknown) => error);
    expect(pendingSecret).toMatchObject({
      statusCode: 403,
      message: "Operation get is not allowed on a disabled secret.",
    });

    const csr = new x509.Pkcs10CertificateRequest(operation.csr!);
    expect(csr.subject).toBe("CN=csr-cert");
    const leaf = await signCsr(csr, ca);
    const merged = await certificates.mergeCertificate("csr-cert", [
      new Uint8Array(leaf.rawData),
      new X509Certificate(ca.certPem).raw,
    ]);
    expect(merged.properties.enabled).toBe(true);

    const secret = await secrets.getSecret("csr-cert");
    expect(pemBlocks(secret.value!)).toEqual(["PRIVATE KEY", "CERTIFICATE", "CERTIFICATE"]);
    expect(new X509Certificate(secret.value!).checkPrivateKey(createPrivateKey(secret.value!))).toBe(true);
    const completed = await certificates.getCertificateOperation("csr-cert");
    expect(completed.getOperationState().certificateOperation).toMatchObject({ status: "completed" });
    await expect(completed.cancelOperation()).rejects.toMatchObject({
      statusCode: 403,
      message: "Pending status must be in progress to allow update.",
    });
  });

  it("serves a PEM certificate's secret as the PKCS#8 key followed by the chain, leaf first", async () => {
    const leaf = await issueCertificate({ subject: "CN=chained", issuer: ca });
    const { version } = vault.importCertificate("chained", {
      certPem: leaf.certPem,
      keyPem: leaf.keyPem,
      chainPems: [ca.certPem],
    });

    const secret = await secrets.getSecret("chained", { version });

    expect(secret.value).toBe(leaf.keyPem + leaf.certPem + ca.certPem);
    expect(secret.properties).toMatchObject({
      contentType: "application/x-pem-file",
      managed: true,
      version,
      enabled: true,
    });
    expect(secret.properties.certificateKeyId).toBe(`${vault.url}/keys/chained/${version}`);
  });

  it("serves a PKCS#12 certificate's secret as a base64 PFX with an empty password", async () => {
    const { version } = vault.importCertificate("pfx-cert", {
      certPem: appCert.certPem,
      keyPem: appCert.keyPem,
      contentType: "application/x-pkcs12",
    });

    const secret = await secrets.getSecret("pfx-cert", { version });

    expect(secret.properties.contentType).toBe("application/x-pkcs12");
    const pfx = readPfx(secret.value!);
    expect(pfx.certThumbprints).toEqual([appCert.thumbprintSha1.toLowerCase()]);
    expect(pfx.keys).toBe(1);

    const asPem = await secrets.getSecret("pfx-cert", { version, outContentType: "application/x-pem-file" });
    expect(asPem.properties.contentType).toBe("application/x-pem-file");
    expect(asPem.value).toBe(appCert.keyPem + appCert.certPem);
  });

  it("leaves the private key out of a non-exportable certificate's secret", async () => {
    vault.importCertificate("hsm-pem", {
      certPem: appCert.certPem,
      keyPem: appCert.keyPem,
      exportable: false,
    });
    vault.importCertificate("hsm-pfx", {
      certPem: appCert.certPem,
      keyPem: appCert.keyPem,
      exportable: false,
      contentType: "application/x-pkcs12",
    });

    expect((await secrets.getSecret("hsm-pem")).value).toBe(appCert.certPem);
    expect(readPfx((await secrets.getSecret("hsm-pfx")).value!)).toEqual({
      keys: 0,
      certThumbprints: [appCert.thumbprintSha1.toLowerCase()],
    });
    expect((await certificates.getCertificatePolicy("hsm-pem")).exportable).toBe(false);
  });

  it("refuses a disabled version's secret with 403 SecretDisabled, but still describes the certificate", async () => {
    const { version } = vault.importCertificate("disabled", {
      certPem: appCert.certPem,
      keyPem: appCert.keyPem,
    });
    vault.setEnabled("disabled", version, false);

    const error = await secrets.getSecret("disabled", { version }).catch((e: unknown) => e);

    expect(error).toMatchObject({
      statusCode: 403,
      code: "Forbidden",
      message: "Operation get is not allowed on a disabled secret.",
      details: { error: { code: "Forbidden", innerError: { code: "SecretDisabled" } } },
    });
    expect((await certificates.getCertificateVersion("disabled", version)).properties.enabled).toBe(false);

    await certificates.updateCertificateProperties("disabled", version, {
      enabled: true,
      tags: { state: "back" },
    });
    const secret = await secrets.getSecret("disabled", { version });
    expect(secret.properties).toMatchObject({ enabled: true, tags: { state: "back" } });
  });

  it("answers unknown names and versions with 404 in the service's words", async () => {
    await expect(certificates.getCertificate("nope")).rejects.toMatchObject({
      statusCode: 404,
      code: "CertificateNotFound",
      message: expect.stringMatching(
        /^A certificate with \(name\/id\) nope was not found in this key vault\./,
      ) as unknown,
    });
    await expect(secrets.getSecret("app-cert", { version: "0".repeat(32) })).rejects.toMatchObject({
      statusCode: 404,
      code: "SecretNotFound",
      message: expect.stringMatching(
        /^A secret with \(name\/id\) app-cert\/0{32} was not found in this key vault\./,
      ) as unknown,
    });
  });

  it("rejects a token issued for another audience with 401 AKV10022", async () => {
    const client = new CertificateClient(
      vault.url,
      issuer.credential({ aud: "https://management.azure.com/" }).tokenCredential,
      clientOptions,
    );
    await expect(client.getCertificate("app-cert")).rejects.toMatchObject({
      statusCode: 401,
      message:
        "AKV10022: Invalid audience. Expected https://vault.azure.net, found: https://management.azure.com/.",
    });
  });

  it.each([
    [
      "expired",
      { exp: Math.floor(Date.now() / 1000) - 600 },
      "[TokenExpired] Error validating token: 'S2S12086'.",
    ],
    [
      "from another issuer",
      { iss: "https://sts.windows.net/other/" },
      "AKV10032: Invalid issuer. Expected one of ISSUER, found https://sts.windows.net/other/.",
    ],
  ])("rejects a token that is %s with 401 and the challenge", async (_case, claims, message) => {
    const response = await fetch(`${vault.url}/certificates/app-cert?api-version=7.6`, {
      headers: { authorization: `Bearer ${issuer.mint(claims)}` },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain('resource="https://vault.azure.net"');
    expect(await response.json()).toEqual({
      error: { code: "Unauthorized", message: message.replace("ISSUER", issuer.options.issuer) },
    });
  });

  it("rejects a token whose signature does not verify", async () => {
    const [header, claims] = issuer.mint().split(".");
    const forged = `${header}.${claims}.${Buffer.from("not a signature").toString("base64url")}`;
    const response = await fetch(`${vault.url}/certificates/app-cert?api-version=7.6`, {
      headers: { authorization: `Bearer ${forged}` },
    });
    expect(response.status).toBe(401);
  });

  it("refuses a request without api-version with 400", async () => {
    const response = await fetch(`${vault.url}/certificates/app-cert`, {
      headers: { authorization: `Bearer ${issuer.mint()}` },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "BadParameter" } });
  });

  it("forbids callers that are not allowed on the vault with 403 ForbiddenByRbac", async () => {
    const client = new SecretClient(
      vault.url,
      issuer.credential({ oid: STRANGER_OID }).tokenCredential,
      clientOptions,
    );
    const error = await client.getSecret("app-cert").catch((e: unknown) => e);
    expect(error).toMatchObject({
      statusCode: 403,
      code: "Forbidden",
      details: { error: { innerError: { code: "ForbiddenByRbac" } } },
    });
    expect((error as Error).message).toContain(
      `Caller: appid=0a1b2c3d-1111-4222-8333-944455556666;oid=${STRANGER_OID}`,
    );
    expect((error as Error).message).toContain(
      "Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'",
    );
  });

  it("is retried by the SDK after Retry-After when throttled", async () => {
    await certificates.getCertificate("app-cert");
    vault.resetRequests();
    vault.throttleNext(1, 1);
    const started = Date.now();

    const certificate = await certificates.getCertificate("app-cert");

    expect(certificate.properties.version).toBe(second.version);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(vault.requests.map((r) => [r.status, r.authenticated])).toEqual([
      [429, true],
      [200, true],
    ]);
  });

  it("fetches the issuer's keys again when a token names a key it has not seen", async () => {
    await certificates.getCertificate("app-cert");
    const fetchesBefore = issuer.jwksFetches();
    const rotated = await issuer.addKey();

    const response = await fetch(`${vault.url}/certificates/app-cert?api-version=7.6`, {
      headers: { authorization: `Bearer ${issuer.mint({}, rotated)}` },
    });

    expect(response.status).toBe(200);
    expect(issuer.jwksFetches()).toBe(fetchesBefore + 1);
    await certificates.getCertificate("app-cert");
    expect(issuer.jwksFetches()).toBe(fetchesBefore + 1);
  });
});

describe("listing certificates", () => {
  it("costs ceil(N/25) requests for N certificates, each with its expiry, and no per-certificate GET", async () => {
    const vault = await startVault();
    const cert = await issueCertificate({ subject: "CN=listed", validDays: 30 });
    for (let i = 0; i < 60; i += 1)
      vault.importCertificate(`cert-${String(i).padStart(2, "0")}`, { certPem: cert.certPem });
    const client = new CertificateClient(vault.url, issuer.credential().tokenCredential, clientOptions);
    await client.getCertificatePolicy("cert-00");
    vault.resetRequests();

    const listed = [];
    for await (const properties of client.listPropertiesOfCertificates()) listed.push(properties);

    expect(listed).toHaveLength(60);
    expect(listed[0]).toMatchObject({ name: "cert-00", version: undefined, enabled: true });
    expect(
      listed.every((p) => p.expiresOn?.getTime() === Math.floor(cert.notAfter.getTime() / 1000) * 1000),
    ).toBe(true);
    expect(vault.requests).toEqual([
      { method: "GET", path: "/certificates", status: 200, authenticated: true },
      { method: "GET", path: "/certificates", status: 200, authenticated: true },
      { method: "GET", path: "/certificates", status: 200, authenticated: true },
    ]);
  });

  it("pages with maxresults and a $skiptoken nextLink, and refuses pages above 25", async () => {
    const vault = await startVault();
    const cert = await issueCertificate({ subject: "CN=paged" });
    for (const name of ["b", "a", "c"]) vault.importCertificate(name, { certPem: cert.certPem });
    const get = async (path: string) => {
      const response = await fetch(path, { headers: { authorization: `Bearer ${issuer.mint()}` } });
      return {
        status: response.status,
        body: (await response.json()) as { value: { id: string }[]; nextLink: string | null },
      };
    };

    const firstPage = await get(`${vault.url}/certificates?api-version=7.6&maxresults=2`);
    expect(firstPage.body.value.map((item) => item.id)).toEqual([
      `${vault.url}/certificates/a`,
      `${vault.url}/certificates/b`,
    ]);
    expect(firstPage.body.nextLink).toMatch(
      /\/certificates\?api-version=7\.6&\$skiptoken=[\w-]+&maxresults=2$/,
    );
    const secondPage = await get(firstPage.body.nextLink!);
    expect(secondPage.body).toEqual({
      value: [expect.objectContaining({ id: `${vault.url}/certificates/c` })],
      nextLink: null,
    });
    expect((await get(`${vault.url}/certificates?api-version=7.6&maxresults=26`)).status).toBe(400);
  });
});

describe("a create that takes time (createDelayMs)", () => {
  it("stays inProgress, with the new version's secret disabled, until the delay has passed on the vault's clock", async () => {
    let now = Date.now();
    const vault = await startVault({ now: () => now, createDelayMs: 60_000 });
    const cert = await issueCertificate({ subject: "CN=slow" });
    const old = vault.importCertificate("slow", { certPem: cert.certPem, keyPem: cert.keyPem });
    const client = new CertificateClient(vault.url, issuer.credential().tokenCredential, clientOptions);
    const secretClient = new SecretClient(vault.url, issuer.credential().tokenCredential, clientOptions);

    const poller = await client.beginCreateCertificate("slow", await client.getCertificatePolicy("slow"), {
      intervalInMs: 10,
    });
    await poller.poll();
    expect(poller.isDone()).toBe(false);
    await expect(secretClient.getSecret("slow")).rejects.toMatchObject({ statusCode: 403 });
    expect((await secretClient.getSecret("slow", { version: old.version })).value).toContain("PRIVATE KEY");
    expect(vault.getVersions("slow").map((v) => v.status)).toEqual(["completed", "pending"]);

    now += 60_000;
    const created = await poller.pollUntilDone();

    expect(vault.getVersions("slow").map((v) => v.status)).toEqual(["completed", "completed"]);
    expect((await secretClient.getSecret("slow")).properties.version).toBe(created.properties.version);
  });
});

describe("certificate issuers", () => {
  it("sets and gets an issuer object through the SDK, never returning its password", async () => {
    const vault = await startVault();
    const client = new CertificateClient(vault.url, issuer.credential().tokenCredential, clientOptions);

    const set = await client.createIssuer("corp-tls", "DigiCert", {
      accountId: "acct-1",
      password: "not-for-your-eyes",
      organizationId: "org-7",
    });
    // (The SDK names an issuer after the id's second segment, "issuers": its identifier parser's quirk.)
    expect(set).toMatchObject({
      id: `${vault.url}/certificates/issuers/corp-tls`,
      provider: "DigiCert",
      accountId: "acct-1",
    });

    const response = await fetch(`${vault.url}/certificates/issuers/CORP-TLS?api-version=7.6`, {
      headers: { authorization: `Bearer ${issuer.mint()}` },
    });
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(200);
    expect(body).toEqual({
      id: `${vault.url}/certificates/issuers/corp-tls`,
      provider: "DigiCert",
      credentials: { account_id: "acct-1" },
      org_details: { id: "org-7", zip: 0 },
      attributes: {
        enabled: true,
        created: expect.any(Number) as unknown,
        updated: expect.any(Number) as unknown,
      },
    });
    expect(JSON.stringify(body)).not.toContain("not-for-your-eyes");
    expect((await client.getIssuer("corp-tls")).password).toBeUndefined();
  });

  it("answers 404 CertificateIssuerNotFound for an issuer that does not exist", async () => {
    const vault = await startVault();
    const client = new CertificateClient(vault.url, issuer.credential().tokenCredential, clientOptions);
    await expect(client.getIssuer("nobody")).rejects.toMatchObject({
      statusCode: 404,
      details: { error: { code: "CertificateIssuerNotFound", message: "Issuer not found" } },
    });
  });

  it("forbids reading an issuer without certificatecas/read, in the ForbiddenByRbac shape", async () => {
    const vault = await startVault({
      allowedPrincipals: [],
      roleAssignments: { [READER_OID]: ["Key Vault Certificate User"], [STRANGER_OID]: ["Key Vault Reader"] },
    });
    vault.setIssuer("corp-tls", { provider: "DigiCert" });
    const user = new CertificateClient(vault.url, issuer.credential().tokenCredential, clientOptions);

    const error = await user.getIssuer("corp-tls").catch((e: unknown) => e);
    expect(error).toMatchObject({
      statusCode: 403,
      code: "Forbidden",
      details: { error: { innerError: { code: "ForbiddenByRbac" } } },
    });
    expect((error as Error).message).toContain("Action: 'Microsoft.KeyVault/vaults/certificatecas/read'");
    // Certificate User reads certificates; Key Vault Reader reads issuers (vaults/*/read) but not secrets.
    const reader = new CertificateClient(
      vault.url,
      issuer.credential({ oid: STRANGER_OID }).tokenCredential,
      clientOptions,
    );
    expect((await reader.getIssuer("corp-tls")).provider).toBe("DigiCert");
    await expect(
      new SecretClient(
        vault.url,
        issuer.credential({ oid: STRANGER_OID }).tokenCredential,
        clientOptions,
      ).getSecret("any"),
    ).rejects.toMatchObject({ statusCode: 403 });

    vault.setRoles(READER_OID, ["Key Vault Certificates Officer"]);
    expect((await user.getIssuer("corp-tls")).provider).toBe("DigiCert");
  });

  it("issues a new version itself for a partnered provider, signed by its CA; other providers wait for a merge", async () => {
    const vault = await startVault();
    const client = new CertificateClient(vault.url, issuer.credential().tokenCredential, clientOptions);
    vault.setIssuer("corp-tls", { provider: "GlobalSign" });
    vault.setIssuer("corp-ca", { provider: "OneCertV2-PrivateCA" });
    const cert = await issueCertificate({ subject: "CN=partnered" });
    for (const [name, issuerName] of [
      ["partnered", "corp-tls"],
      ["private", "corp-ca"],
    ] as const) {
      vault.importCertificate(name, { certPem: cert.certPem, keyPem: cert.keyPem, issuerName });
    }

    const partnered = await client.beginCreateCertificate(
      "partnered",
      await client.getCertificatePolicy("partnered"),
      { intervalInMs: 10 },
    );
    const created = await partnered.pollUntilDone();
    expect(new X509Certificate(Buffer.from(created.cer!)).issuer).toBe(
      "CN=GlobalSign (Key Vault stand-in) CA",
    );

    const manual = await client.beginCreateCertificate(
      "private",
      await client.getCertificatePolicy("private"),
      {
        intervalInMs: 10,
      },
    );
    await manual.poll();
    const operation = await client.getCertificateOperation("private");
    expect(operation.getOperationState().certificateOperation?.status).toBe("inProgress");
    expect(vault.getVersions("private").map((v) => v.status)).toEqual(["completed", "pending"]);
  });
});

describe("when a create the vault issues completes (createCompletion)", () => {
  async function pendingCreate(createCompletion: "after-versions-list" | "on-pending-read") {
    const vault = await startVault({ createCompletion });
    const cert = await issueCertificate({ subject: "CN=racy" });
    vault.importCertificate("racy", { certPem: cert.certPem, keyPem: cert.keyPem });
    const pendingVersion = await vault.startCreate("racy");
    const client = new CertificateClient(vault.url, issuer.credential().tokenCredential, clientOptions);
    return { vault, client, pendingVersion };
  }
  const versionsOf = async (client: CertificateClient) => {
    const listed = [];
    for await (const p of client.listPropertiesOfCertificateVersions("racy")) {
      listed.push({ version: p.version, completed: p.x509Thumbprint !== undefined });
    }
    return listed;
  };

  it("after-versions-list: the list shows the version pending, and the next read finds the operation completed", async () => {
    const { vault, client, pendingVersion } = await pendingCreate("after-versions-list");
    expect(
      (await client.getCertificateOperation("racy")).getOperationState().certificateOperation?.status,
    ).toBe("inProgress");

    expect((await versionsOf(client)).find((v) => v.version === pendingVersion)).toEqual({
      version: pendingVersion,
      completed: false,
    });
    expect(
      (await client.getCertificateOperation("racy")).getOperationState().certificateOperation?.status,
    ).toBe("completed");
    expect(vault.getVersions("racy").map((v) => v.status)).toEqual(["completed", "completed"]);
  });

  it("on-pending-read: nothing completes it until the pending operation is read", async () => {
    const { vault, client, pendingVersion } = await pendingCreate("on-pending-read");
    expect((await versionsOf(client)).find((v) => v.version === pendingVersion)?.completed).toBe(false);
    expect(vault.getVersions("racy").map((v) => v.status)).toEqual(["completed", "pending"]);

    expect(
      (await client.getCertificateOperation("racy")).getOperationState().certificateOperation?.status,
    ).toBe("completed");
    expect((await versionsOf(client)).find((v) => v.version === pendingVersion)?.completed).toBe(true);
  });
});

/** Signs a CSR with a CA, as an external CA would before the merge. */
async function signCsr(
  csr: x509.Pkcs10CertificateRequest,
  ca: IssuedCertificate,
): Promise<x509.X509Certificate> {
  const rsa = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
  const caKey = await webcrypto.subtle.importKey(
    "pkcs8",
    Buffer.from(ca.keyPem.replace(/-----[A-Z ]+-----|\s/g, ""), "base64"),
    rsa,
    false,
    ["sign"],
  );
  return x509.X509CertificateGenerator.create({
    serialNumber: "01",
    subject: csr.subject,
    issuer: new x509.X509Certificate(ca.certPem).subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 30 * DAY_MS),
    publicKey: csr.publicKey,
    signingKey: caKey,
    signingAlgorithm: rsa,
  });
}

/** What a PFX holds: how many private keys, and the SHA-1 thumbprints of its certificates. */
function readPfx(base64: string): { keys: number; certThumbprints: string[] } {
  const p12 = forge.pkcs12.pkcs12FromAsn1(
    forge.asn1.fromDer(Buffer.from(base64, "base64").toString("binary")),
    "",
  );
  const keyBags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!] ??
      []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!] ?? []),
  ];
  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [];
  return {
    keys: keyBags.length,
    certThumbprints: certBags.map((bag) =>
      sha1Hex(Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(bag.cert!)).getBytes(), "binary")),
    ),
  };
}
