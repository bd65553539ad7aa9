import { ManagedIdentityCredential } from "@azure/identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type Azurite } from "../../dev/azurite/startAzurite.js";
import { issueCertificate } from "../../dev/pki/issueCertificate.js";
import type { StandIns } from "../../dev/startStandIns.js";
import { keyVaultRenewableCertificate } from "../../src/rotation/keyVaultRenewableCertificate.js";
import type { RotationRecord } from "../../src/rotation/RotationRecord.js";
import { tableRotationStore } from "../../src/rotation/tableRotationStore.js";
import { tableClientFor } from "../../src/state/tableClientFor.js";
import { freshTableName } from "../state/freshTableName.js";
import { noVaultKeys } from "../support/noVaultSigning.js";
import { testScenario, useStandIns } from "../support/useStandIns.js";

const stand = useStandIns(testScenario({ certificates: [{ name: "app" }] }));
let standIns: StandIns;
let azurite: Azurite;
beforeAll(async () => {
  standIns = stand();
  azurite = await startAzurite();
});
afterAll(() => azurite?.stop());

const record: RotationRecord = {
  certificateName: "app",
  step: "renewing",
  resumeStep: null,
  startedAt: "2026-11-21T10:00:00.000Z",
  updatedAt: "2026-11-21T10:00:00.000Z",
  oldVersion: "v1",
  oldThumbprintSha1: "OLD",
  newVersion: null,
  newThumbprintSha1: null,
  newKeyId: null,
  oldKeyId: null,
  switchedAt: null,
  retireAfter: null,
  completedAt: null,
  attempts: 0,
  lastError: null,
};

describe("tableRotationStore", () => {
  it("saves and reads back a record; of two racing writers exactly one wins", async () => {
    const store = tableRotationStore(
      tableClientFor(
        { kind: "connection-string", connectionString: azurite.connectionString },
        freshTableName(),
      ),
    );
    expect(await store.get("app")).toBeNull();
    const created = await store.save(record, null);
    if (!created.saved) throw new Error("expected the first save to succeed");
    const outcomes = await Promise.all([
      store.save({ ...record, step: "verifying" }, created.etag),
      store.save({ ...record, step: "manual" }, created.etag),
    ]);
    expect(outcomes.filter((o) => o.saved)).toHaveLength(1);
    expect(await store.save({ ...record }, null)).toEqual({ saved: false });
    expect(["verifying", "manual"]).toContain((await store.get("App"))?.record.step);
  });
});

describe("keyVaultRenewableCertificate", () => {
  it("finds the latest version, renews a Self-issued certificate with its policy, and loads versions with their key", async () => {
    const vault = keyVaultRenewableCertificate(
      standIns.vault.url,
      new ManagedIdentityCredential(),
      () => new Date(),
      {
        signing: "local",
        keys: noVaultKeys,
      },
    );
    const before = await vault.latest("app");
    expect(before?.thumbprintSha1).toMatch(/^[0-9A-F]{40}$/);
    expect(await vault.isRenewable("app")).toBe(true);
    expect(await vault.hasPendingOperation("app")).toBe(false);

    await vault.createVersion("app");
    const after = await vault.latest("app");
    expect(after?.version).not.toBe(before?.version);
    const loaded = await vault.load("app", after!.version);
    expect(loaded.certificate.thumbprintSha1).toBe(after!.thumbprintSha1);
    expect(loaded.where === "local" && loaded.certificate.privateKeyPem).toMatch(
      /^-{5}BEGIN PRIVATE KEY-{5}/,
    );
  });
});

describe("keyVaultRenewableCertificate: the issuer, and creates Key Vault refuses", () => {
  const vault = () =>
    keyVaultRenewableCertificate(standIns.vault.url, new ManagedIdentityCredential(), () => new Date(), {
      signing: "auto",
      keys: noVaultKeys,
    });
  const importWithIssuer = async (name: string, issuerName: string) => {
    const cert = await issueCertificate({ subject: `CN=${name}` });
    standIns.vault.importCertificate(name, { certPem: cert.certPem, keyPem: cert.keyPem, issuerName });
  };

  it("decides from the issuer object's provider, not its name", async () => {
    standIns.vault.setIssuer("tls-partner", { provider: "GlobalSign" });
    standIns.vault.setIssuer("DigiCert", { provider: "OneCertV2-PublicCA" });
    await importWithIssuer("partnered", "tls-partner");
    await importWithIssuer("misleading", "DigiCert");
    await importWithIssuer("by-hand", "Unknown");
    expect(await vault().isRenewable("partnered")).toBe(true);
    expect(await vault().isRenewable("misleading")).toBe(false);
    expect(await vault().isRenewable("by-hand")).toBe(false);
  });

  it("says so when the policy names an issuer object that does not exist", async () => {
    await importWithIssuer("orphan", "gone-issuer");
    await expect(vault().isRenewable("orphan")).rejects.toMatchObject({
      code: "KEYVAULT_ISSUER_NOT_FOUND",
      message: expect.stringMatching(
        /^The policy of 'orphan' in https:\/\/127\.0\.0\.1:\d+ names the issuer 'gone-issuer', which is not an issuer object in the vault \(nor Self or Unknown\), so Key Vault cannot issue a new version with it\. Create the issuer \(az keyvault certificate issuer create --vault-name <vault> --issuer-name gone-issuer --provider-name <DigiCert\|GlobalSign>/,
      ) as unknown,
    });
  });

  it("answers in-progress when Key Vault refuses a create because one is already running", async () => {
    await importWithIssuer("busy", "Self");
    standIns.vault.setCreateCompletion("on-pending-read");
    try {
      await standIns.vault.startCreate("busy");
      expect(await vault().createVersion("busy")).toBe("in-progress");
    } finally {
      standIns.vault.setCreateCompletion("after-delay");
    }
  });

  it("names the role when the identity may not create a version", async () => {
    await importWithIssuer("locked", "Self");
    const identity = standIns.entra.managedIdentity.principalId;
    standIns.vault.setRoles(identity, ["Key Vault Certificate User"]);
    try {
      await expect(vault().createVersion("locked")).rejects.toMatchObject({
        code: "KEYVAULT_FORBIDDEN",
        message: expect.stringContaining(
          "(Microsoft.KeyVault/vaults/certificates/create/action). Grant it the 'Key Vault Certificates Officer' role on the vault",
        ) as unknown,
      });
    } finally {
      standIns.vault.setRoles(identity, ["Key Vault Certificates Officer", "Key Vault Secrets User"]);
    }
  });
});
