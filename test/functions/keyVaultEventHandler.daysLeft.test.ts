import { InvocationContext } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { certificateEvent } from "../../dev/keyvault/certificateEvent.js";
import type { CertificateWatch } from "../../src/certificates/createCertificateWatch.js";
import { loadConfig } from "../../src/config/loadConfig.js";
import type { CredentialProvider } from "../../src/credentials/AppCredential.js";
import { keyVaultEventHandler } from "../../src/functions/keyVaultEventHandler.js";
import { appSettings } from "./appSettings.js";

const DAY = 86_400_000;
const NOW = new Date("2030-06-01T06:00:00.000Z");

describe("a Key Vault near-expiry event", () => {
  it("logs the days left as the certificate check counts them: 19.5 days left is 20, as the alert says", async () => {
    const lines: string[] = [];
    const context = new InvocationContext({
      functionName: "keyvault-events",
      logHandler: (_level, ...args) => void lines.push(String(args[0])),
    });
    const unused = () => Promise.reject(new Error("not used: the event is not about the app's certificate"));
    const credentials: CredentialProvider = { current: unused, reload: unused };
    const watch: CertificateWatch = { check: unused };
    const event = certificateEvent("CertificateNearExpiry", {
      vaultUrl: "https://kv-other.vault.azure.net",
      name: "tls-cert",
      version: "v1",
      expiresOn: new Date(NOW.getTime() + 19.5 * DAY),
    });

    await keyVaultEventHandler(event, context, () => ({
      config: loadConfig(appSettings([])),
      credentials,
      clock: () => NOW,
      watch,
    }));

    const nearExpiry = lines.find((line) => line.startsWith("Certificate near expiry "));
    expect(JSON.parse(nearExpiry!.slice("Certificate near expiry ".length))).toMatchObject({
      certificate: "tls-cert",
      daysLeft: 20,
    });
  });
});
