import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "../../../src/clock/Clock.js";
import { createAzureCredential } from "../../../src/credentials/createAzureCredential.js";
import { keyVaultCertificateStore } from "../../../src/credentials/keyVaultCertificateStore.js";
import { keyVaultCredentialProvider } from "../../../src/credentials/keyVaultCredentialProvider.js";
import { keyVaultKeys } from "../../../src/credentials/signing/keyVaultKeys.js";
import { buildKeyProof } from "../../../src/graph/buildKeyProof.js";
import { msalTokenSource } from "../../../src/tokens/msalTokenSource.js";
import { recordingLogger } from "../../support/recordingLogger.js";
import { captureTelemetry, type TelemetryCapture } from "../../support/telemetryCapture.js";
import { testScenario, useStandIns } from "../../support/useStandIns.js";

// A non-exportable key: Key Vault signs every client assertion and key proof.
const scenario = testScenario({
  certificates: [{ name: "hsm", exportable: false }],
  vault: { identityRoles: ["Key Vault Certificate User", "Key Vault Crypto User"] },
});
const standIns = useStandIns(scenario);
let telemetry: TelemetryCapture;
beforeEach(() => {
  telemetry = captureTelemetry();
});
afterEach(async () => {
  await telemetry.stop();
  const { entra, vault } = standIns();
  vault.resetRequests();
  vault.setRoles(entra.managedIdentity.principalId, ["Key Vault Certificate User", "Key Vault Crypto User"]);
});

/** The token path as the container builds it for M2M_KEYVAULT_SIGNING=vault: real SDKs over HTTPS to the stand-ins. */
function vaultSigningTokenPath() {
  const { entra, vault, settings } = standIns();
  const credential = createAzureCredential(
    { authorityHost: entra.authorityHost, tenantId: entra.tenantId, managedIdentityClientId: null },
    "managed-identity",
  );
  const logger = recordingLogger().logger;
  const credentials = keyVaultCredentialProvider({
    store: keyVaultCertificateStore(vault.url, credential),
    keys: keyVaultKeys(vault.url, credential),
    signing: "vault",
    vaultUrl: vault.url,
    certificateName: "hsm",
    pinnedVersion: null,
    refreshMs: 0,
    msal: { thumbprintAlgorithm: "sha256", sendX5c: false },
    clock: systemClock,
    logger,
  });
  const tokens = msalTokenSource({
    config: {
      clientId: settings.M2M_CLIENT_ID!,
      tenantId: entra.tenantId,
      authorityHost: entra.authorityHost,
      authority: entra.authority,
      scope: scenario.scope,
    },
    credentials,
    logger,
    clock: systemClock,
  });
  return { tokens, credentials };
}

const signPoints = async () =>
  (await telemetry.points())
    .filter((point) => point.name === "m2m.keyvault.sign_calls")
    .map((point) => ({ attributes: point.attributes, value: point.value }));
const vaultSigns = () =>
  standIns().vault.requests.filter((r) => r.method === "POST" && r.path.endsWith("/sign"));

describe("keyVaultKeys' sign calls metric", () => {
  it("counts one client-assertion signature for a token request, and none for a token from the cache", async () => {
    const { tokens } = vaultSigningTokenPath();

    expect((await tokens.getToken()).fromCache).toBe(false);
    expect((await tokens.getToken()).fromCache).toBe(true);

    expect(vaultSigns()).toHaveLength(1);
    expect(await signPoints()).toEqual([
      { attributes: { "m2m.purpose": "client-assertion", "m2m.outcome": "ok" }, value: 1 },
    ]);
  });

  it("counts a key proof's signature, and a refused one as failed", async () => {
    const { credentials } = vaultSigningTokenPath();
    const { signer } = await credentials.current();
    await buildKeyProof(signer!, scenario.app.objectId, new Date());
    const { entra, vault } = standIns();
    vault.setRoles(entra.managedIdentity.principalId, ["Key Vault Certificate User"]);

    await expect(buildKeyProof(signer!, scenario.app.objectId, new Date())).rejects.toMatchObject({
      code: "KEYVAULT_FORBIDDEN",
    });

    expect(await signPoints()).toEqual([
      { attributes: { "m2m.purpose": "key-proof", "m2m.outcome": "ok" }, value: 1 },
      { attributes: { "m2m.purpose": "key-proof", "m2m.outcome": "failed" }, value: 1 },
    ]);
  });
});
