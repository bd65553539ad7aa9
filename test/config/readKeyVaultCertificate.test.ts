import { describe, expect, it } from "vitest";
import { createSettingReader } from "../../src/config/createSettingReader.js";
import { readKeyVaultCertificate } from "../../src/config/readKeyVaultCertificate.js";

const base = {
  M2M_KEYVAULT_URL: "https://kv-m2m.vault.azure.net/",
  M2M_KEYVAULT_CERTIFICATE_NAME: "m2m-client",
};

function read(env: Record<string, string>) {
  const reader = createSettingReader(env);
  return { value: readKeyVaultCertificate(reader, " (needed by X)"), problems: reader.problems };
}

describe("readKeyVaultCertificate", () => {
  it("reads the vault without its trailing slash, the latest version, a 10-minute refresh and managed identity", () => {
    expect(read(base)).toEqual({
      value: {
        kind: "keyvault-certificate",
        vaultUrl: "https://kv-m2m.vault.azure.net",
        certificateName: "m2m-client",
        certificateVersion: null,
        refreshMinutes: 10,
        vaultAuth: "managed-identity",
        signing: "auto",
      },
      problems: [],
    });
    expect(read({ ...base, M2M_KEYVAULT_URL: "https://kv-m2m.vault.azure.net" }).value.vaultUrl).toBe(
      "https://kv-m2m.vault.azure.net",
    );
  });

  it("names missing settings with the context given", () => {
    expect(read({}).problems).toEqual([
      "M2M_KEYVAULT_URL is missing (needed by X): set it to https://<vault>.vault.azure.net",
      "M2M_KEYVAULT_CERTIFICATE_NAME is missing (needed by X): set it to Key Vault certificate name (1-127 letters, digits, dashes)",
    ]);
  });

  it.each([
    ["http://kv-m2m.vault.azure.net", "http://kv-m2m.vault.azure.net"],
    ["https://kv-m2m.vault.azure.net/keys", "https://kv-m2m.vault.azure.net/keys"],
    // The query is not shown (it may hold a key), only that there was one.
    ["https://kv-m2m.vault.azure.net/?x", "https://kv-m2m.vault.azure.net/?<query removed>"],
    ["kv-m2m", "kv-m2m"],
  ])("refuses the vault URL %s", (url, shown) => {
    expect(read({ ...base, M2M_KEYVAULT_URL: url }).problems).toEqual([
      `M2M_KEYVAULT_URL: expected https://<vault>.vault.azure.net; got ${JSON.stringify(shown)}`,
    ]);
  });

  it.each([
    ["a", true],
    ["A-1", true],
    ["a".repeat(127), true],
    ["a".repeat(128), false],
    ["m2m_client", false],
    ["m2m client", false],
  ])("certificate name %s accepted: %s", (name, ok) => {
    expect(read({ ...base, M2M_KEYVAULT_CERTIFICATE_NAME: name }).problems).toHaveLength(ok ? 0 : 1);
  });

  it("pins a version (lower-cased) of 32 hex characters, and names any other", () => {
    expect(read({ ...base, M2M_KEYVAULT_CERTIFICATE_VERSION: "ABCDEF0123456789ABCDEF0123456789" })).toEqual({
      value: expect.objectContaining({ certificateVersion: "abcdef0123456789abcdef0123456789" }) as unknown,
      problems: [],
    });
    for (const version of [
      "latest",
      "abcdef0123456789abcdef012345678",
      "abcdef0123456789abcdef01234567890",
    ]) {
      expect(read({ ...base, M2M_KEYVAULT_CERTIFICATE_VERSION: version }).problems).toEqual([
        `M2M_KEYVAULT_CERTIFICATE_VERSION: expected 32 hex characters; empty = always the latest version; got ${JSON.stringify(version)}`,
      ]);
    }
  });

  it("reads the refresh interval in whole minutes (up to five digits), 0 included", () => {
    expect(read({ ...base, M2M_KEYVAULT_REFRESH_MINUTES: "0" }).value.refreshMinutes).toBe(0);
    expect(read({ ...base, M2M_KEYVAULT_REFRESH_MINUTES: "99999" }).value.refreshMinutes).toBe(99_999);
    for (const value of ["100000", "1.5", "-1", "ten"]) {
      expect(read({ ...base, M2M_KEYVAULT_REFRESH_MINUTES: value })).toEqual({
        value: expect.objectContaining({ refreshMinutes: 10 }) as unknown,
        problems: [
          `M2M_KEYVAULT_REFRESH_MINUTES: expected whole minutes between checks for a new certificate version, 0 = only after a certificate error (default 10); got ${JSON.stringify(value)}`,
        ],
      });
    }
  });

  it("authenticates to the vault with DefaultAzureCredential when asked", () => {
    expect(read({ ...base, M2M_KEYVAULT_AUTH: "default-azure-credential" }).value.vaultAuth).toBe(
      "default-azure-credential",
    );
    expect(read({ ...base, M2M_KEYVAULT_AUTH: "cli" }).problems).toEqual([
      'M2M_KEYVAULT_AUTH: expected managed-identity | default-azure-credential (default managed-identity); got "cli"',
    ]);
  });
});

describe("readKeyVaultCertificate: M2M_KEYVAULT_SIGNING", () => {
  it.each(["auto", "vault", "local"] as const)("reads %s", (signing) => {
    expect(read({ ...base, M2M_KEYVAULT_SIGNING: signing })).toMatchObject({
      value: { signing },
      problems: [],
    });
  });

  it("refuses another value, naming the choices", () => {
    expect(read({ ...base, M2M_KEYVAULT_SIGNING: "hsm" }).problems).toEqual([
      'M2M_KEYVAULT_SIGNING: expected auto | vault | local (default auto: sign in Key Vault when the certificate\'s key is not exportable); got "hsm"',
    ]);
  });
});
