import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KEY_VAULT_ROLES, rolesGrant, type KeyVaultRole } from "../../dev/keyvault/builtInRoles.js";
import { dataActionFor } from "../../dev/keyvault/dataActionFor.js";
import { keyOperationsFor } from "../../dev/keyvault/keyOperationsFor.js";
import { readScenario } from "../../dev/scenario.js";

const action = (name: string) => `Microsoft.KeyVault/vaults/${name}`;

describe("the key operations of a certificate's key (from the policy's key usage)", () => {
  it.each([
    [
      ["digitalSignature", "keyEncipherment"],
      ["sign", "verify", "wrapKey", "unwrapKey"],
    ],
    [[], ["sign", "verify", "wrapKey", "unwrapKey"]],
    [["keyEncipherment"], ["wrapKey", "unwrapKey"]],
    [
      ["dataEncipherment", "nonRepudiation"],
      ["encrypt", "decrypt", "sign", "verify"],
    ],
    [
      ["keyCertSign", "cRLSign"],
      ["sign", "verify"],
    ],
    [["encipherOnly"], ["encrypt"]],
    [["decipherOnly"], ["decrypt"]],
    [["keyAgreement"], []],
  ])("maps %j to %j", (usage, operations) => {
    expect(keyOperationsFor(usage)).toEqual(operations);
  });
});

describe("the data action a keys request needs", () => {
  it.each([
    ["GET", ["keys", "app", "abc"], action("keys/read")],
    ["GET", ["keys", "app", ""], action("keys/read")],
    ["GET", ["keys", "app"], action("keys/read")],
    ["POST", ["keys", "app", "abc", "sign"], action("keys/sign/action")],
    ["POST", ["keys", "app", "abc", "verify"], action("keys/verify/action")],
    ["POST", ["keys", "app", "abc", "wrapkey"], action("keys/wrap/action")],
    ["POST", ["keys", "app", "abc", "unwrapkey"], action("keys/unwrap/action")],
    ["PATCH", ["keys", "app", "abc"], action("keys/update/action")],
    ["DELETE", ["keys", "app"], action("keys/delete")],
  ])("%s /%j needs %s", (method, segments, expected) => {
    expect(dataActionFor(method, segments)).toBe(expected);
  });
});

describe("what the built-in roles grant on keys", () => {
  const sign = action("keys/sign/action");
  const read = action("keys/read");
  it.each([
    ["Key Vault Crypto User", true, true],
    ["Key Vault Crypto Officer", true, true],
    ["Key Vault Administrator", true, true],
    ["Key Vault Certificate User", true, false],
    ["Key Vault Reader", true, false],
    ["Key Vault Certificates Officer", false, false],
    ["Key Vault Secrets User", false, false],
    ["Key Vault Secrets Officer", false, false],
  ] as const)("%s: keys/read %s, keys/sign/action %s", (role, reads, signs) => {
    expect(rolesGrant([role], read)).toBe(reads);
    expect(rolesGrant([role], sign)).toBe(signs);
  });

  it("Crypto User reads and uses keys but no certificate or secret", () => {
    const roles: KeyVaultRole[] = ["Key Vault Crypto User"];
    expect(rolesGrant(roles, action("certificates/read"))).toBe(false);
    expect(rolesGrant(roles, action("secrets/getSecret/action"))).toBe(false);
    expect(KEY_VAULT_ROLES["Key Vault Crypto User"]).toHaveLength(9);
  });
});

describe("a scenario's non-exportable certificate", () => {
  async function withScenario(edit: (scenario: Record<string, unknown>) => void) {
    const dir = await mkdtemp(join(tmpdir(), "scenario-"));
    const path = join(dir, "scenario.json");
    const scenario = JSON.parse(await readFile("dev/scenarios/default.json", "utf8")) as Record<
      string,
      unknown
    >;
    edit(scenario);
    await writeFile(path, JSON.stringify(scenario));
    return { path, done: () => rm(dir, { recursive: true, force: true }) };
  }
  const firstCertificate = (scenario: Record<string, unknown>) =>
    (scenario.vault as { certificates: Record<string, unknown>[] }).certificates[0]!;

  it("reads `exportable: false` on a certificate entry", async () => {
    const file = await withScenario((s) => (firstCertificate(s).exportable = false));
    try {
      expect((await readScenario(file.path)).vault.certificates[0]?.exportable).toBe(false);
    } finally {
      await file.done();
    }
  });

  it("refuses an `exportable` that is not true or false, naming the file and the field", async () => {
    const file = await withScenario((s) => (firstCertificate(s).exportable = "no"));
    try {
      await expect(readScenario(file.path)).rejects.toThrow(
        `${file.path}: vault.certificates[0].exportable must be true or false`,
      );
    } finally {
      await file.done();
    }
  });
});
