import { InvocationContext, type EventGridEvent } from "@azure/functions";
import { certificateEvent, type CertificateEventType } from "../../dev/keyvault/certificateEvent.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type Azurite } from "../../dev/azurite/startAzurite.js";
import { issueCertificate } from "../../dev/pki/issueCertificate.js";
import type { StandIns } from "../../dev/startStandIns.js";
import { loadConfig } from "../../src/config/loadConfig.js";
import { createServices, type Services } from "../../src/container.js";
import { keyVaultEventHandler } from "../../src/functions/keyVaultEventHandler.js";
import { recordingLogger } from "../support/recordingLogger.js";
import { testScenario, useStandIns } from "../support/useStandIns.js";

const stand = useStandIns(testScenario({ certificates: [{ name: "app" }, { name: "other" }] }));
let standIns: StandIns;
let services: Services;
let azurite: Azurite;
beforeAll(async () => {
  standIns = stand();
  azurite = await startAzurite();
  services = createServices(
    loadConfig({
      ...standIns.settings,
      M2M_KEYVAULT_CERTIFICATE_NAME: "app",
      M2M_KEYVAULT_REFRESH_MINUTES: "600",
      AzureWebJobsStorage: azurite.connectionString,
    }),
    { logger: recordingLogger().logger },
  );
});
afterAll(() => azurite?.stop());

/** A log line's message, without the properties contextLogger writes after it as JSON. */
const messageOf = (line: unknown) => String(line).split(" {")[0] ?? "";

const event = (type: CertificateEventType, name: string, version: string): EventGridEvent =>
  certificateEvent(type, {
    vaultUrl: standIns.vault.url,
    name,
    version,
    notBefore: new Date(1000),
    expiresOn: new Date(1_900_000_000_000),
  });

describe("Key Vault certificate events", () => {
  it("loads a new version of the app's certificate at once, without waiting for the refresh interval", async () => {
    const before = await services.credentials.current();
    const next = await issueCertificate({ subject: "CN=app v2" });
    const { version } = standIns.vault.importCertificate("app", {
      certPem: next.certPem,
      keyPem: next.keyPem,
    });
    expect((await services.credentials.current()).id).toBe(before.id);

    const messages: string[] = [];
    const context = new InvocationContext({
      functionName: "keyvault-events",
      logHandler: (_level, ...args) => void messages.push(messageOf(args[0])),
    });
    await keyVaultEventHandler(
      event("CertificateNewVersionCreated", "app", version),
      context,
      () => services,
    );

    expect((await services.credentials.current()).summary).toMatchObject({
      version,
      thumbprintSha256: next.thumbprintSha256,
    });
    expect(messages).toContain("App certificate reloaded after a new version was created");
  });

  it("leaves the credential alone for other certificates, and logs near-expiry", async () => {
    const before = (await services.credentials.current()).id;
    const messages: string[] = [];
    const context = new InvocationContext({
      functionName: "keyvault-events",
      logHandler: (_level, ...args) => void messages.push(messageOf(args[0])),
    });
    await keyVaultEventHandler(
      event("CertificateNewVersionCreated", "other", "abc"),
      context,
      () => services,
    );
    await keyVaultEventHandler(event("CertificateNearExpiry", "other", "abc"), context, () => services);
    expect((await services.credentials.current()).id).toBe(before);
    expect(messages).toEqual([
      "New certificate version noted (not the app's credential, or a version is pinned)",
      "Certificate near expiry",
      "Not a watched certificate (M2M_CERT_SCOPE): no check run",
    ]);
  });

  it("runs the certificate check at once when a watched certificate nears expiry", async () => {
    const messages: string[] = [];
    const context = new InvocationContext({
      functionName: "keyvault-events",
      logHandler: (_level, ...args) => void messages.push(messageOf(args[0])),
    });
    await keyVaultEventHandler(event("CertificateNearExpiry", "app", "abc"), context, () => services);
    expect(messages.slice(0, 2)).toEqual(["Certificate near expiry", "Certificate expiry"]);
  });
});
