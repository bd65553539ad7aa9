import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createDeadline } from "../../src/clock/Deadline.js";
import { systemClock } from "../../src/clock/Clock.js";
import { loadConfig } from "../../src/config/loadConfig.js";
import { createServices } from "../../src/container.js";
import { decodeTokenClaims } from "../../src/tokens/decodeTokenClaims.js";
import { decodeJwt } from "../../dev/jwt.js";
import { issueCertificate, type IssuedCertificate } from "../../dev/pki/issueCertificate.js";
import type { StandIns } from "../../dev/startStandIns.js";
import { manualClock } from "../support/manualClock.js";
import { recordingLogger } from "../support/recordingLogger.js";
import { testScenario, useStandIns } from "../support/useStandIns.js";

// The identity may read certificates (not their secrets beyond what Certificate User grants) and sign with keys: the
// least a vault-signing app needs. Certificates are non-exportable: their secrets hold no key.
const scenario = testScenario({
  certificates: [
    { name: "hsm", exportable: false },
    { name: "exportable", exportable: true },
  ],
  vault: { identityRoles: ["Key Vault Certificate User", "Key Vault Crypto User"] },
});
const stand = useStandIns(scenario);
let standIns: StandIns;
beforeAll(() => {
  standIns = stand();
});
afterEach(() => {
  standIns.entra.resetCounters();
  standIns.vault.resetRequests();
  standIns.vault.faults.clear();
  standIns.vault.setRoles(standIns.entra.managedIdentity.principalId, [
    "Key Vault Certificate User",
    "Key Vault Crypto User",
  ]);
});

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
const vaultCalls = () => standIns.vault.requests.filter((r) => r.authenticated);
const signs = () => vaultCalls().filter((r) => r.method === "POST" && r.path.endsWith("/sign"));
const secretReads = () => vaultCalls().filter((r) => r.path.startsWith("/secrets/"));

describe("signing in Key Vault: a certificate whose key never leaves the vault", () => {
  it("auto (the default): reads the secret, finds no key, and has Key Vault sign the client assertion", async () => {
    const services = servicesFor({ M2M_KEYVAULT_CERTIFICATE_NAME: "hsm" });
    const token = await services.tokens.getToken();
    expect(decodeTokenClaims(token.token)).toMatchObject({ appid: scenario.app.clientId, idtyp: "app" });
    expect(tokenRequests()).toEqual([
      expect.objectContaining({ grant: "certificate", alg: "PS256", outcome: "issued" }),
    ]);
    expect(signs()).toHaveLength(1);
    expect((await services.credentials.current()).summary).toMatchObject({ signing: "vault" });

    // A warm run is served from MSAL's cache: no token request, no signature.
    expect((await services.tokens.getToken()).fromCache).toBe(true);
    expect(signs()).toHaveLength(1);
  });

  it("auto: signs locally when the secret holds the key (an exportable certificate)", async () => {
    const services = servicesFor({ M2M_KEYVAULT_CERTIFICATE_NAME: "exportable" });
    await services.tokens.getToken();
    expect(signs()).toEqual([]);
    expect((await services.credentials.current()).summary).toMatchObject({ signing: "local" });
  });

  it("vault: never reads a secret, even of an exportable certificate; one sign call per token request", async () => {
    const services = servicesFor({
      M2M_KEYVAULT_CERTIFICATE_NAME: "exportable",
      M2M_KEYVAULT_SIGNING: "vault",
    });
    await services.tokens.getToken();
    await services.tokens.getToken({ forceRefresh: true });
    await services.tokens.getToken({ forceRefresh: true });
    expect(tokenRequests().map((r) => r.outcome)).toEqual(["issued", "issued", "issued"]);
    expect(secretReads()).toEqual([]);
    // The three requests reuse one assertion while it has more than two minutes left: one signature.
    expect(signs()).toHaveLength(1);
  });

  it("vault with SHA-1 thumbprints: RS256 with x5t, as MSAL signs with a SHA-1 thumbprint", async () => {
    const services = servicesFor({
      M2M_KEYVAULT_CERTIFICATE_NAME: "hsm",
      M2M_KEYVAULT_SIGNING: "vault",
      M2M_THUMBPRINT_ALGORITHM: "sha1",
    });
    await services.tokens.getToken();
    expect(tokenRequests()).toEqual([expect.objectContaining({ alg: "RS256", outcome: "issued" })]);
    expect(tokenRequests()[0]?.thumbprintSha1).toBe(
      (await services.credentials.current()).certificate!.thumbprintSha1,
    );
  });

  it("vault: a sign refused by RBAC names the role to grant and the key version", async () => {
    standIns.vault.setRoles(standIns.entra.managedIdentity.principalId, ["Key Vault Certificate User"]);
    const services = servicesFor({ M2M_KEYVAULT_CERTIFICATE_NAME: "hsm", M2M_KEYVAULT_SIGNING: "vault" });
    const version = standIns.vault.getVersions("hsm")[0]!.version;
    const error = (await services.tokens.getToken().catch((e: unknown) => e)) as Error & { code: string };
    expect(error.code).toBe("KEYVAULT_FORBIDDEN");
    expect(error.message).toContain(
      `The app's identity may not sign with key ${standIns.vault.url}/keys/hsm/${version} (Microsoft.KeyVault/vaults/keys/sign/action). Grant it the 'Key Vault Crypto User' role`,
    );
    expect(tokenRequests()).toEqual([]);
  });

  it("vault: a Key Vault that does not answer the signature is named, within the caller's deadline", async () => {
    const services = servicesFor({ M2M_KEYVAULT_CERTIFICATE_NAME: "hsm", M2M_KEYVAULT_SIGNING: "vault" });
    await services.credentials.current();
    standIns.vault.faults.enqueue({ kind: "hang" }, { kind: "hang" }, { kind: "hang" }, { kind: "hang" });
    const deadline = createDeadline({ budgetMs: 2_000, clock: systemClock });
    const error = (await services.tokens.getToken({ deadline }).catch((e: unknown) => e)) as Error & {
      code: string;
    };
    expect(error.code).toBe("TIMED_OUT");
    expect(error.message).toContain("Key Vault did not answer");
    expect(deadline.leftMs()).toBeGreaterThanOrEqual(0);
    expect(tokenRequests()).toEqual([]);
  });

  it("vault: when Entra ID rejects the certificate, the new version is loaded and signs in the vault", async () => {
    const register = (cert: IssuedCertificate) =>
      standIns.entra.addCertificate(scenario.app.clientId, { certPem: cert.certPem });
    const v1 = await issueCertificate({ subject: "CN=rolling-hsm" });
    standIns.vault.importCertificate("rolling-hsm", {
      certPem: v1.certPem,
      keyPem: v1.keyPem,
      exportable: false,
    });
    register(v1);
    const services = servicesFor({
      M2M_KEYVAULT_CERTIFICATE_NAME: "rolling-hsm",
      M2M_KEYVAULT_SIGNING: "vault",
      M2M_KEYVAULT_REFRESH_MINUTES: "0",
    });
    await services.tokens.getToken();

    const v2 = await issueCertificate({ subject: "CN=rolling-hsm" });
    const { version } = standIns.vault.importCertificate("rolling-hsm", {
      certPem: v2.certPem,
      keyPem: v2.keyPem,
      exportable: false,
    });
    register(v2);
    const old = standIns.entra
      .getApp(scenario.app.clientId)!
      .keyCredentials.find((k) => k.customKeyIdentifier === v1.thumbprintSha1)!;
    standIns.entra.removeKey(scenario.app.clientId, old.keyId);

    const token = await services.tokens.getToken({ forceRefresh: true });
    expect(token.credentialId).toBe(`keyvault-certificate:${v2.thumbprintSha256}`);
    expect(tokenRequests().map((r) => r.outcome)).toEqual(["issued", 700027, "issued"]);
    expect(signs().at(-1)?.path).toBe(`/keys/rolling-hsm/${version}/sign`);
    expect(secretReads()).toEqual([]);
  });

  it("never logs the assertion or the signature", async () => {
    const services = servicesFor({ M2M_KEYVAULT_CERTIFICATE_NAME: "hsm", M2M_KEYVAULT_SIGNING: "vault" });
    const token = await services.tokens.getToken();
    expect(services.log.text()).not.toContain(token.token.split(".")[2]);
    expect(services.log.text()).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
    expect(decodeJwt(token.token).claims).toMatchObject({ appid: scenario.app.clientId });
  });
});
