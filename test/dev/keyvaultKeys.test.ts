import { constants, createHash, randomUUID, verify, X509Certificate } from "node:crypto";
import { ManagedIdentityCredential, type TokenCredential } from "@azure/identity";
import { CertificateClient } from "@azure/keyvault-certificates";
import { CryptographyClient, KeyClient } from "@azure/keyvault-keys";
import { SecretClient } from "@azure/keyvault-secrets";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeJwt, verifySignature } from "../../dev/jwt.js";
import { issueCertificate } from "../../dev/pki/issueCertificate.js";
import type { StandIns } from "../../dev/startStandIns.js";
import { testScenario, useStandIns } from "../support/useStandIns.js";

// The app's identity holds only what vault signing needs: the certificate and its public key (Certificate User) and
// the key's sign operation (Crypto User). "hsm-app" keeps its private key in the vault.
const scenario = testScenario({
  certificates: [{ name: "hsm-app", exportable: false }, { name: "soft-app" }],
  vault: { identityRoles: ["Key Vault Certificate User", "Key Vault Crypto User"] },
});
const stand = useStandIns(scenario);
const clientOptions = { disableChallengeResourceVerification: true };
const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest();
const pemBlocks = (pem: string) => [...pem.matchAll(/-{5}BEGIN ([A-Z ]+)-{5}/g)].map((m) => m[1]);

let standIns: StandIns;
let credential: TokenCredential;
let certificates: CertificateClient;
let hsm: { keyId: string; version: string; cert: X509Certificate };

beforeAll(async () => {
  standIns = stand();
  credential = new ManagedIdentityCredential();
  certificates = new CertificateClient(standIns.vault.url, credential, clientOptions);
  const got = await certificates.getCertificate("hsm-app");
  hsm = { keyId: got.keyId!, version: got.properties.version!, cert: new X509Certificate(got.cer!) };
});

const crypto = (keyId: string) => new CryptographyClient(keyId, credential, clientOptions);

/** A raw REST call with the managed identity's token, to see the service's JSON as it is. */
async function rest(method: string, path: string, body?: unknown) {
  const token = await credential.getToken("https://vault.azure.net/.default");
  const response = await fetch(`${standIns.vault.url}${path}?api-version=7.6`, {
    method,
    headers: { authorization: `Bearer ${token!.token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("a certificate's key, through @azure/keyvault-keys", () => {
  it("names its key and secret in the certificate bundle: kid, sid, cer and x5t", async () => {
    const { status, body } = await rest("GET", "/certificates/hsm-app");
    const der = hsm.cert.raw;

    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: `${standIns.vault.url}/certificates/hsm-app/${hsm.version}`,
      kid: `${standIns.vault.url}/keys/hsm-app/${hsm.version}`,
      sid: `${standIns.vault.url}/secrets/hsm-app/${hsm.version}`,
      cer: der.toString("base64"),
      x5t: createHash("sha1").update(der).digest("base64url"),
    });
    expect(hsm.keyId).toBe(`${standIns.vault.url}/keys/hsm-app/${hsm.version}`);
  });

  it.each([
    ["PS256", { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }],
    ["RS256", { padding: constants.RSA_PKCS1_PADDING }],
  ] as const)(
    "signs a SHA-256 digest with %s, verifiable with the certificate's public key",
    async (alg, padding) => {
      const data = Buffer.from(`header.claims for ${alg}`);

      const signed = await crypto(hsm.keyId).sign(alg, sha256(data));

      expect(signed).toMatchObject({ algorithm: alg, keyID: hsm.keyId });
      expect(verify("sha256", data, { key: hsm.cert.publicKey, ...padding }, signed.result)).toBe(true);
    },
  );

  it("reads the key first (to choose local or remote), then signs remotely; each new client meets the challenge", async () => {
    standIns.vault.resetRequests();

    await crypto(hsm.keyId).sign("PS256", sha256("x"));

    const path = `/keys/hsm-app/${hsm.version}`;
    expect(standIns.vault.requests).toEqual([
      { method: "GET", path, status: 401, authenticated: false },
      { method: "GET", path, status: 200, authenticated: true },
      { method: "POST", path: `${path}/sign`, status: 200, authenticated: true },
    ]);
  });

  it("signs a client assertion that Entra ID's stand-in accepts for a token", async () => {
    const { entra } = standIns;
    const nowSeconds = Math.floor(Date.now() / 1000);
    const header = { alg: "PS256", typ: "JWT", "x5t#S256": sha256(hsm.cert.raw).toString("base64url") };
    const claims = {
      aud: entra.tokenEndpoint,
      iss: scenario.app.clientId,
      sub: scenario.app.clientId,
      jti: randomUUID(),
      nbf: nowSeconds,
      exp: nowSeconds + 600,
    };
    const input = [header, claims]
      .map((part) => Buffer.from(JSON.stringify(part)).toString("base64url"))
      .join(".");
    const signed = await crypto(hsm.keyId).sign("PS256", sha256(input));
    const assertion = `${input}.${Buffer.from(signed.result).toString("base64url")}`;
    expect(verifySignature(decodeJwt(assertion), hsm.cert.publicKey.export({ format: "jwk" }))).toBe(true);

    const response = await fetch(entra.tokenEndpoint, {
      method: "POST",
      body: new URLSearchParams({
        client_id: scenario.app.clientId,
        grant_type: "client_credentials",
        scope: scenario.scope,
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: assertion,
      }),
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ token_type: "Bearer" });
  });

  it("serves the key bundle of a certificate-backed key: public RSA key, key_ops from the key usage, managed", async () => {
    const keys = new KeyClient(standIns.vault.url, credential, clientOptions);

    const latest = await keys.getKey("hsm-app");

    expect(latest).toMatchObject({
      id: hsm.keyId,
      name: "hsm-app",
      keyType: "RSA",
      keyOperations: ["sign", "verify", "wrapKey", "unwrapKey"],
      properties: {
        version: hsm.version,
        enabled: true,
        managed: true,
        expiresOn: hsm.cert.validToDate,
        notBefore: hsm.cert.validFromDate,
        recoveryLevel: "Recoverable+Purgeable",
      },
    });
    const jwk = hsm.cert.publicKey.export({ format: "jwk" });
    expect(Buffer.from(latest.key!.n!).toString("base64url")).toBe(jwk.n);
    expect(Buffer.from(latest.key!.e!).toString("base64url")).toBe(jwk.e);
    expect((await keys.getKey("hsm-app", { version: hsm.version })).id).toBe(hsm.keyId);
  });

  it("answers an unknown version with 404 KeyNotFound in the service's words", async () => {
    const keys = new KeyClient(standIns.vault.url, credential, clientOptions);
    const missing = "0".repeat(32);

    await expect(keys.getKey("hsm-app", { version: missing })).rejects.toMatchObject({
      statusCode: 404,
      code: "KeyNotFound",
      message: `A key with (name/id) hsm-app/${missing} was not found in this key vault. If you recently deleted this key you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
    });
    await expect(
      crypto(`${standIns.vault.url}/keys/nope/${missing}`).sign("PS256", sha256("x")),
    ).rejects.toMatchObject({ statusCode: 404, code: "KeyNotFound" });
  });

  it.each([
    [
      "an algorithm other than RSA's",
      "ES256",
      sha256("x"),
      "Invalid algorithm 'ES256' for an RSA key: use RS256, RS384, RS512, PS256, PS384, PS512.",
    ],
    [
      "a digest of the wrong length",
      "RS256",
      createHash("sha1").update("x").digest(),
      "Invalid digest length for RS256: expected 32 bytes (a SHA256 hash of the data), got 20.",
    ],
  ] as const)("refuses %s with 400 BadParameter", async (_case, alg, digest, message) => {
    await expect(crypto(hsm.keyId).sign(alg, digest)).rejects.toMatchObject({
      statusCode: 400,
      code: "BadParameter",
      message,
    });
  });

  it("answers a sign with the key id and a base64url signature", async () => {
    const digest = sha256("raw");

    const { status, body } = await rest("POST", `/keys/hsm-app/${hsm.version}/sign`, {
      alg: "RS256",
      value: digest.toString("base64url"),
    });

    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(["kid", "value"]);
    expect(body.kid).toBe(hsm.keyId);
    const signature = Buffer.from(body.value as string, "base64url");
    expect(verify("sha256", Buffer.from("raw"), hsm.cert.publicKey, signature)).toBe(true);
  });

  it("refuses to sign outside the certificate's validity window", async () => {
    const expired = await issueCertificate({
      subject: "CN=expired",
      notBefore: new Date(Date.now() - 30 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    });
    const { version } = standIns.vault.importCertificate("expired", {
      certPem: expired.certPem,
      keyPem: expired.keyPem,
      exportable: false,
    });

    const { status, body } = await rest("POST", `/keys/expired/${version}/sign`, {
      alg: "PS256",
      value: sha256("x").toString("base64url"),
    });

    expect(status).toBe(403);
    expect(body).toEqual({
      error: {
        code: "Forbidden",
        message:
          "Operation sign is not allowed outside the key's validity period (nbf to exp): the certificate version is expired or not yet valid.",
      },
    });
  });
});

describe("a disabled certificate version", () => {
  it("disables its key: still readable, with enabled false, but sign answers 403 KeyDisabled", async () => {
    const cert = await issueCertificate({ subject: "CN=switched-off", validDays: 30 });
    const { version } = standIns.vault.importCertificate("switched-off", {
      certPem: cert.certPem,
      keyPem: cert.keyPem,
      exportable: false,
    });
    standIns.vault.setEnabled("switched-off", version, false);
    const keyId = `${standIns.vault.url}/keys/switched-off/${version}`;

    const key = await new KeyClient(standIns.vault.url, credential, clientOptions).getKey("switched-off");
    const error = await crypto(keyId)
      .sign("PS256", sha256("x"))
      .catch((e: unknown) => e);

    expect(key.properties.enabled).toBe(false);
    expect(error).toMatchObject({
      statusCode: 403,
      code: "Forbidden",
      message: "Operation sign is not allowed on a disabled key.",
      details: { error: { code: "Forbidden", innerError: { code: "KeyDisabled" } } },
    });
    standIns.vault.setEnabled("switched-off", version, true);
    await expect(crypto(keyId).sign("PS256", sha256("x"))).resolves.toMatchObject({ keyID: keyId });
  });
});

describe("non-exportable certificates", () => {
  it("keep the private key out of the secret, which still names its key (certificateKeyId)", async () => {
    const secrets = new SecretClient(standIns.vault.url, credential, clientOptions);

    const secret = await secrets.getSecret("hsm-app");
    const exportable = await secrets.getSecret("soft-app");

    expect(pemBlocks(secret.value!)).toEqual(["CERTIFICATE"]);
    expect(new X509Certificate(secret.value!).fingerprint256).toBe(hsm.cert.fingerprint256);
    expect(secret.properties.certificateKeyId).toBe(hsm.keyId);
    expect(pemBlocks(exportable.value!)).toEqual(["PRIVATE KEY", "CERTIFICATE"]);
    expect(exportable.properties.certificateKeyId).toBe(
      `${standIns.vault.url}/keys/soft-app/${exportable.properties.version}`,
    );
    expect((await certificates.getCertificatePolicy("hsm-app")).exportable).toBe(false);
  });

  it("stay non-exportable when renewed, and the new version's key signs for the new certificate", async () => {
    const cert = await issueCertificate({ subject: "CN=renew-hsm", validDays: 30 });
    standIns.vault.importCertificate("renew-hsm", {
      certPem: cert.certPem,
      keyPem: cert.keyPem,
      exportable: false,
    });

    const version = await standIns.vault.startCreate("renew-hsm");
    const created = await certificates.getCertificateVersion("renew-hsm", version);
    const secret = await new SecretClient(standIns.vault.url, credential, clientOptions).getSecret(
      "renew-hsm",
    );
    const data = Buffer.from("after renewal");
    const signed = await crypto(created.keyId!).sign("RS256", sha256(data));

    expect(created.properties.version).toBe(version);
    expect(secret.properties.version).toBe(version);
    expect(pemBlocks(secret.value!)).toEqual(["CERTIFICATE"]);
    expect(verify("sha256", data, new X509Certificate(created.cer!).publicKey, signed.result)).toBe(true);
  });
});

describe("Azure RBAC on keys", () => {
  it("refuses sign to an identity without Key Vault Crypto User, naming keys/sign/action", async () => {
    const { principalId } = standIns.entra.managedIdentity;
    standIns.vault.setRoles(principalId, ["Key Vault Certificate User"]);
    try {
      const error = await crypto(hsm.keyId)
        .sign("PS256", sha256("x"))
        .catch((e: unknown) => e);

      expect(error).toMatchObject({
        statusCode: 403,
        code: "Forbidden",
        details: { error: { innerError: { code: "ForbiddenByRbac" } } },
      });
      expect((error as Error).message).toContain("Action: 'Microsoft.KeyVault/vaults/keys/sign/action'");
      expect((error as Error).message).toContain(
        `Resource: '/vaults/keyvault-stand-in/keys/hsm-app/${hsm.version}/sign'`,
      );
    } finally {
      standIns.vault.setRoles(principalId, ["Key Vault Certificate User", "Key Vault Crypto User"]);
    }
  });

  it("lets Key Vault Crypto User alone sign (it reads keys too), with no access to certificates", async () => {
    const { principalId } = standIns.entra.managedIdentity;
    standIns.vault.setRoles(principalId, ["Key Vault Crypto User"]);
    try {
      const signed = await crypto(hsm.keyId).sign("PS256", sha256("x"));
      const error = await certificates.getCertificate("hsm-app").catch((e: unknown) => e);

      expect(signed.keyID).toBe(hsm.keyId);
      expect((error as Error).message).toContain("Action: 'Microsoft.KeyVault/vaults/certificates/read'");
    } finally {
      standIns.vault.setRoles(principalId, ["Key Vault Certificate User", "Key Vault Crypto User"]);
    }
  });

  it("refuses the default roles (Certificates Officer, Secrets User) both reading and using the key", async () => {
    const { principalId } = standIns.entra.managedIdentity;
    standIns.vault.setRoles(principalId, ["Key Vault Certificates Officer", "Key Vault Secrets User"]);
    standIns.vault.resetRequests();
    try {
      const error = await crypto(hsm.keyId)
        .sign("PS256", sha256("x"))
        .catch((e: unknown) => e);

      expect((error as Error).message).toContain("Action: 'Microsoft.KeyVault/vaults/keys/sign/action'");
      // The SDK took the 403 on GET as "may not read the key" and tried the remote operation anyway.
      expect(standIns.vault.requests.map((r) => [r.method, r.status])).toEqual([
        ["GET", 401],
        ["GET", 403],
        ["POST", 403],
      ]);
    } finally {
      standIns.vault.setRoles(principalId, ["Key Vault Certificate User", "Key Vault Crypto User"]);
    }
  });
});
