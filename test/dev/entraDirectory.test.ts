import { beforeAll, describe, expect, it } from "vitest";
import { Directory, KEY_VAULT_APP_ID } from "../../dev/entra/Directory.js";
import { issueCertificate, type IssuedCertificate } from "../../dev/pki/issueCertificate.js";

const NOW = Date.parse("2025-06-01T00:00:00Z");
let cert: IssuedCertificate;

beforeAll(async () => {
  cert = await issueCertificate({
    subject: "CN=directory-test",
    notBefore: new Date("2025-01-01T00:00:00Z"),
    notAfter: new Date("2026-01-01T00:00:00Z"),
  });
});

function directoryWithApp() {
  const directory = new Directory({ tenantId: "5d1f1c0e-1111-4222-8333-944455556666", now: () => NOW });
  const app = directory.registerApp({
    displayName: "reports-sync",
    clientId: "0a1b2c3d-1111-4222-8333-944455556666",
  });
  return { directory, app };
}

describe("Directory", () => {
  it("registers a certificate as a Graph keyCredential with the certificate's validity as defaults", () => {
    const { directory, app } = directoryWithApp();
    const key = directory.addCertificate(app.clientId, { certPem: cert.certPem });
    expect(key).toEqual({
      keyId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      customKeyIdentifier: cert.thumbprintSha1,
      type: "AsymmetricX509Cert",
      usage: "Verify",
      key: cert.derBase64,
      startDateTime: "2025-01-01T00:00:00.000Z",
      endDateTime: "2026-01-01T00:00:00.000Z",
      displayName: "CN=directory-test",
    });
    expect(directory.getApp(app.clientId)?.keyCredentials).toEqual([key]);
  });

  it("finds a registered certificate by its SHA-256 or SHA-1 thumbprint, in either case", () => {
    const { directory, app } = directoryWithApp();
    directory.addCertificate(app.clientId, { certPem: cert.certPem });
    expect(
      directory.findCertificate(app.clientId, { sha256: cert.thumbprintSha256.toLowerCase() }),
    ).toMatchObject({
      thumbprintSha1: cert.thumbprintSha1,
    });
    expect(directory.findCertificate(app.clientId, { sha1: cert.thumbprintSha1 })).toMatchObject({
      thumbprintSha256: cert.thumbprintSha256,
    });
  });

  it("refuses to register the same certificate twice", () => {
    const { directory, app } = directoryWithApp();
    directory.addCertificate(app.clientId, { certPem: cert.certPem });
    expect(() => directory.addCertificate(app.clientId, { certPem: cert.certPem })).toThrow(
      `Certificate ${cert.thumbprintSha1} is already registered on application ${app.clientId}`,
    );
  });

  it("removes a certificate by keyId, and says so when the keyId is unknown", () => {
    const { directory, app } = directoryWithApp();
    const { keyId } = directory.addCertificate(app.clientId, { certPem: cert.certPem });
    directory.removeKey(app.clientId, keyId);
    expect(directory.getApp(app.clientId)?.keyCredentials).toEqual([]);
    expect(directory.findCertificate(app.clientId, { sha1: cert.thumbprintSha1 })).toBeUndefined();
    expect(() => directory.removeKey(app.clientId, keyId)).toThrow(`No key with keyId ${keyId}`);
  });

  it.each([
    ["the secret's value", "value", "valid"],
    ["another text", "other", "invalid"],
  ] as const)("checks a client secret: %s is %s", (_name, which, expected) => {
    const { directory, app } = directoryWithApp();
    const { secretText } = directory.addClientSecret(app.clientId);
    expect(directory.checkClientSecret(app.clientId, which === "value" ? secretText : "x", NOW)).toBe(
      expected,
    );
  });

  it("reports a secret as expired once its endDateTime has passed, and defaults to two years", () => {
    const { directory, app } = directoryWithApp();
    const created = directory.addClientSecret(app.clientId);
    expect(created.endDateTime).toBe("2027-06-01T00:00:00.000Z");
    expect(
      directory.checkClientSecret(app.clientId, created.secretText, Date.parse(created.endDateTime)),
    ).toBe("expired");
  });

  it("looks an application up by its object id and its service principal by the principal's object id", () => {
    const { directory, app } = directoryWithApp();
    expect(directory.findAppByObjectId(app.objectId)?.clientId).toBe(app.clientId);
    expect(directory.findServicePrincipal(app.servicePrincipalObjectId)).toEqual({
      kind: "application",
      objectId: app.servicePrincipalObjectId,
      appId: app.clientId,
      displayName: "reports-sync",
    });
  });

  it("knows Key Vault and Graph as resources, by application ID URI (with or without a slash) or app id", () => {
    const { directory } = directoryWithApp();
    expect(directory.findResource("https://vault.azure.net/")?.appId).toBe(KEY_VAULT_APP_ID);
    expect(directory.findResource(KEY_VAULT_APP_ID)?.appIdUri).toBe("https://vault.azure.net");
    expect(directory.findResource("https://graph.microsoft.com")).toBeDefined();
  });

  it("adds roles to a resource registered again and assigns only roles the resource defines", () => {
    const { directory, app } = directoryWithApp();
    directory.registerResource({ appIdUri: "api://m2m-downstream", roles: ["Reports.Read.All"] });
    const again = directory.registerResource({ appIdUri: "api://m2m-downstream", roles: ["Reports.Write"] });
    expect(again.appRoles.map((r) => r.value)).toEqual(["Reports.Read.All", "Reports.Write"]);

    directory.assignRoles(app.clientId, "api://m2m-downstream", ["Reports.Write"]);
    expect(directory.rolesFor(app.clientId, again.appId)).toEqual(["Reports.Write"]);
    expect(() => directory.assignRoles(app.clientId, "api://m2m-downstream", ["Reports.Delete"])).toThrow(
      "Resource api://m2m-downstream defines no app role Reports.Delete",
    );
  });

  it("changes nothing through the copies its getters return", () => {
    const { directory, app } = directoryWithApp();
    directory.getApp(app.clientId)?.keyCredentials.push({} as never);
    expect(directory.getApp(app.clientId)?.keyCredentials).toEqual([]);
  });
});
