import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../src/config/loadConfig.js";
import { createServices } from "../../src/container.js";
import { recordingLogger } from "../support/recordingLogger.js";
import { testScenario, useStandIns } from "../support/useStandIns.js";

// Every clock — the app's, MSAL's, the SDKs' and the stand-ins' — follows Date, faked from before the stand-ins start.
beforeAll(() => {
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
});
afterAll(() => {
  vi.useRealTimers();
});

const scenario = testScenario({
  certificates: [{ name: "hsm", exportable: false, validDays: 365 }],
  vault: { identityRoles: ["Key Vault Certificate User", "Key Vault Crypto User"] },
});
const stand = useStandIns(scenario);

describe("vault signing over 1,000 warm runs on a 5-minute schedule", () => {
  it("asks Key Vault for exactly one signature per token request, and none for a token served from the cache", async () => {
    const standIns = stand();
    const services = createServices(
      loadConfig({
        ...standIns.settings,
        AzureWebJobsStorage: "UseDevelopmentStorage=true",
        M2M_KEYVAULT_CERTIFICATE_NAME: "hsm",
        M2M_KEYVAULT_SIGNING: "vault",
        // Only the token path is counted here: the version check is its own Key Vault read.
        M2M_KEYVAULT_REFRESH_MINUTES: "0",
      }),
      { logger: recordingLogger().logger, clock: () => new Date() },
    );
    standIns.vault.resetRequests();
    const start = Date.now();
    for (let run = 0; run < 1_000; run += 1) {
      vi.setSystemTime(start + run * 5 * 60_000);
      await services.tokens.getToken();
    }
    const tokenRequests = standIns.entra.tokenRequests.filter(
      (r) => r.clientId === scenario.app.clientId && r.outcome === "issued",
    ).length;
    const signs = standIns.vault.requests.filter(
      (r) => r.method === "POST" && r.path.endsWith("/sign"),
    ).length;
    // 60-minute tokens, treated as expired 5 minutes early: a token request every 11 or 12 runs.
    expect(tokenRequests).toBeGreaterThanOrEqual(80);
    expect(tokenRequests).toBeLessThanOrEqual(92);
    expect(signs).toBe(tokenRequests);
    console.log(`1,000 warm runs: ${tokenRequests} token requests, ${signs} Key Vault signatures`);
  }, 60_000);
});
