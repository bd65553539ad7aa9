import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/loadConfig.js";
import { createServices } from "../../src/container.js";
import { CredentialError, TokenError } from "../../src/errors.js";
import { decodeTokenClaims } from "../../src/tokens/decodeTokenClaims.js";
import { issueCertificate, type IssuedCertificate } from "../../dev/pki/issueCertificate.js";
import type { StandIns } from "../../dev/startStandIns.js";
import { manualClock } from "../support/manualClock.js";
import { recordingLogger } from "../support/recordingLogger.js";
import { testScenario, useStandIns } from "../support/useStandIns.js";

const scenario = testScenario({
  clientSecret: true,
  federatedWithManagedIdentity: true,
  certificates: [
    { name: "app-pem" },
    { name: "app-pfx", contentType: "application/x-pkcs12" },
    { name: "not-registered", subject: "CN=stranger", registerOnApp: false },
  ],
});
const stand = useStandIns(scenario);
let standIns: StandIns;
beforeAll(() => {
  standIns = stand();
});
afterEach(() => standIns.entra.resetCounters());

function servicesFor(settings: Record<string, string>, clock = manualClock().clock) {
  const log = recordingLogger();
  const config = loadConfig({
    ...standIns.settings,
    AzureWebJobsStorage: "UseDevelopmentStorage=true",
    ...settings,
  });
  return { ...createServices(config, { clock, logger: log.logger }), log };
}

const tokenRequests = () => standIns.entra.tokenRequests.filter((r) => r.clientId === scenario.app.clientId);

describe("token path from a Key Vault certificate", () => {
  it("acquires a token with the app's roles from a PEM certificate, then serves it from the cache", async () => {
    const services = servicesFor({ M2M_KEYVAULT_CERTIFICATE_NAME: "app-pem" });

    const first = await services.tokens.getToken();
    const claims = decodeTokenClaims(first.token);
    expect(claims).toMatchObject({
      aud: "api://m2m-downstream",
      roles: ["Reports.Read.All"],
      appid: scenario.app.clientId,
      tid: scenario.tenantId,
      idtyp: "app",
    });
    expect(first.fromCache).toBe(false);
    expect(tokenRequests()).toHaveLength(1);
    expect(tokenRequests()[0]).toMatchObject({ grant: "certificate", alg: "PS256", outcome: "issued" });
    expect(standIns.entra.metadataRequests).toBe(0);

    const second = await services.tokens.getToken();
    expect(second.fromCache).toBe(true);
    expect(second.token).toBe(first.token);
    expect(tokenRequests()).toHaveLength(1);
  });

  it("acquires a token from a PKCS#12 certificate", async () => {
    const services = servicesFor({ M2M_KEYVAULT_CERTIFICATE_NAME: "app-pfx" });
    const token = await services.tokens.getToken();
    expect(decodeTokenClaims(token.token)).toMatchObject({
      roles: ["Reports.Read.All"],
      azp: scenario.app.clientId,
    });
  });

  it("signs RS256 with the SHA-1 thumbprint when asked to", async () => {
    const services = servicesFor({
      M2M_KEYVAULT_CERTIFICATE_NAME: "app-pem",
      M2M_THUMBPRINT_ALGORITHM: "sha1",
    });
    await services.tokens.getToken();
    expect(tokenRequests()[0]).toMatchObject({ grant: "certificate", alg: "RS256", outcome: "issued" });
  });

  it("fails with a clear AADSTS700027 error when the certificate is not registered on the app", async () => {
    const services = servicesFor({ M2M_KEYVAULT_CERTIFICATE_NAME: "not-registered" });
    const error = await services.tokens.getToken().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TokenError);
    expect(error).toMatchObject({ code: "CERTIFICATE_NOT_REGISTERED", aadsts: 700027 });
    expect((error as Error).message).toContain(
      `AADSTS700027: the assertion was signed by a key Entra ID does not know (not uploaded, removed, or expired on the app registration). Fix: upload the certificate's public key to app registration ${scenario.app.clientId}`,
    );
    // One reload of the credential and one retry, not more.
    expect(tokenRequests().map((r) => r.outcome)).toEqual([700027, 700027]);
    expect(services.log.entries.filter((e) => e.message.startsWith("Certificate loaded"))).toHaveLength(2);
  });

  it("never logs the token or the private key", async () => {
    const services = servicesFor({ M2M_KEYVAULT_CERTIFICATE_NAME: "app-pem" });
    const token = await services.tokens.getToken();
    const credential = await services.credentials.current();
    const signer = credential.signer!;
    const keyBody = (signer.where === "local" ? signer.certificate.privateKeyPem : "").split("\n")[1]!;
    expect(services.log.text()).not.toContain(token.token.split(".")[2]);
    expect(services.log.text()).not.toContain(keyBody);
    expect(services.log.text()).toContain('"fromCache":false');
  });

  it("reports a disabled pinned version by name, version and fix", async () => {
    const cert = await issueCertificate({ subject: "CN=disabled" });
    const { version } = standIns.vault.importCertificate("disabled-cert", {
      certPem: cert.certPem,
      keyPem: cert.keyPem,
    });
    standIns.vault.setEnabled("disabled-cert", version, false);
    const services = servicesFor({
      M2M_KEYVAULT_CERTIFICATE_NAME: "disabled-cert",
      M2M_KEYVAULT_CERTIFICATE_VERSION: version,
    });
    const error = await services.tokens.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialError);
    expect(error).toMatchObject({ code: "CERTIFICATE_DISABLED" });
    expect((error as Error).message).toBe(
      `Key Vault certificate 'disabled-cert' version ${version} in ${standIns.vault.url} is disabled. Enable the version in Key Vault, or pin another version with M2M_KEYVAULT_CERTIFICATE_VERSION.`,
    );
  });

  it("under M2M_KEYVAULT_SIGNING=local, reports a certificate whose key is not exportable, saying how to sign in Key Vault", async () => {
    const cert = await issueCertificate({ subject: "CN=hsm" });
    standIns.vault.importCertificate("non-exportable", {
      certPem: cert.certPem,
      keyPem: cert.keyPem,
      exportable: false,
    });
    const services = servicesFor({
      M2M_KEYVAULT_CERTIFICATE_NAME: "non-exportable",
      M2M_KEYVAULT_SIGNING: "local",
    });
    await expect(services.tokens.getToken()).rejects.toMatchObject({
      code: "CERTIFICATE_NO_PRIVATE_KEY",
      message: expect.stringContaining(
        "M2M_KEYVAULT_SIGNING is 'local'; set it to 'auto' (the default) or 'vault'",
      ) as string,
    });
    expect(tokenRequests()).toHaveLength(0);
  });
});

describe("a new certificate version", () => {
  async function newVersion(
    name: string,
    register: boolean,
  ): Promise<{ cert: IssuedCertificate; version: string }> {
    const cert = await issueCertificate({ subject: `CN=${name}` });
    const { version } = standIns.vault.importCertificate(name, {
      certPem: cert.certPem,
      keyPem: cert.keyPem,
    });
    if (register) standIns.entra.addCertificate(scenario.app.clientId, { certPem: cert.certPem });
    return { cert, version };
  }

  it("is picked up without a restart once the refresh interval has passed", async () => {
    const v1 = await newVersion("rolling", true);
    const time = manualClock();
    const services = servicesFor(
      { M2M_KEYVAULT_CERTIFICATE_NAME: "rolling", M2M_KEYVAULT_REFRESH_MINUTES: "10" },
      time.clock,
    );
    await services.tokens.getToken();
    expect(tokenRequests().at(-1)?.thumbprintSha256).toBe(v1.cert.thumbprintSha256);

    const v2 = await newVersion("rolling", true);
    time.advance(9 * 60_000);
    expect((await services.credentials.current()).summary).toMatchObject({ version: v1.version });
    time.advance(60_000);
    expect((await services.credentials.current()).summary).toMatchObject({ version: v2.version });

    const token = await services.tokens.getToken();
    expect(token.fromCache).toBe(false);
    expect(tokenRequests().at(-1)?.thumbprintSha256).toBe(v2.cert.thumbprintSha256);
    expect(services.log.entries.map((e) => e.message)).toContain("Certificate version changed");
  });

  it("is loaded at once when Entra ID rejects the current one", async () => {
    const v1 = await newVersion("rejected", true);
    const services = servicesFor({
      M2M_KEYVAULT_CERTIFICATE_NAME: "rejected",
      M2M_KEYVAULT_REFRESH_MINUTES: "0",
    });
    await services.tokens.getToken();

    const v2 = await newVersion("rejected", true);
    const keyId = standIns.entra
      .getApp(scenario.app.clientId)!
      .keyCredentials.find((k) => k.customKeyIdentifier === v1.cert.thumbprintSha1)!.keyId;
    standIns.entra.removeKey(scenario.app.clientId, keyId);

    const token = await services.tokens.getToken({ forceRefresh: true });
    expect(token.credentialId).toBe(`keyvault-certificate:${v2.cert.thumbprintSha256}`);
    expect(tokenRequests().map((r) => r.outcome)).toEqual(["issued", 700027, "issued"]);
  });
});

describe("other credential sources", () => {
  it("client secret", async () => {
    const services = servicesFor({
      M2M_CREDENTIAL_SOURCE: "client-secret",
      M2M_CLIENT_SECRET: standIns.clientSecret!,
    });
    const token = await services.tokens.getToken();
    expect(decodeTokenClaims(token.token)).toMatchObject({ appidacr: "1", roles: ["Reports.Read.All"] });
    expect(tokenRequests()[0]).toMatchObject({ grant: "client_secret", outcome: "issued" });
  });

  it("a wrong client secret names the likely mix-up", async () => {
    const services = servicesFor({
      M2M_CREDENTIAL_SOURCE: "client-secret",
      M2M_CLIENT_SECRET: "not-the-secret",
    });
    await expect(services.tokens.getToken()).rejects.toMatchObject({
      code: "CLIENT_SECRET_INVALID",
      aadsts: 7000215,
    });
  });

  it("managed identity as a federated credential: no secret, no certificate", async () => {
    const services = servicesFor({ M2M_CREDENTIAL_SOURCE: "managed-identity-federation" });
    const token = await services.tokens.getToken();
    expect(decodeTokenClaims(token.token)).toMatchObject({
      appid: scenario.app.clientId,
      roles: ["Reports.Read.All"],
    });
    expect(tokenRequests()[0]).toMatchObject({ grant: "federated", outcome: "issued" });
    expect(standIns.entra.managedIdentityRequests.length).toBeGreaterThan(0);
  });
});
