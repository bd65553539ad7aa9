import { describe, expect, it } from "vitest";
import type { CredentialConfig } from "../../src/config/Config.js";
import { createSettingReader } from "../../src/config/createSettingReader.js";
import { readWatch } from "../../src/config/readWatch.js";

const keyVault: CredentialConfig = {
  kind: "keyvault-certificate",
  vaultUrl: "https://kv-m2m.vault.azure.net",
  certificateName: "m2m-client",
  certificateVersion: null,
  refreshMinutes: 10,
  vaultAuth: "managed-identity",
  signing: "auto",
};

function read(env: Record<string, string>, credential: CredentialConfig = keyVault) {
  const reader = createSettingReader(env);
  return { value: readWatch(reader, credential), problems: reader.problems };
}

describe("readWatch", () => {
  it("watches only the app's own certificate by default, renews 30 days before expiry, alerts on app credentials", () => {
    expect(read({})).toEqual({
      value: { vaults: [], certificates: [], tag: null, renewBeforeDays: 30, appCredentials: true },
      problems: [],
    });
  });

  it("reads whole vaults, named certificates and bare names in the app's vault, each once", () => {
    expect(
      read({
        M2M_CERT_SCOPE:
          " https://kv-shared.vault.azure.net/ ,, https://KV-SHARED.vault.azure.net, https://kv-tls.vault.azure.net/certificates/web-tls/, https://kv-tls.vault.azure.net/certificates/WEB-TLS, partner-api, Partner-API",
      }),
    ).toEqual({
      value: expect.objectContaining({
        vaults: ["https://kv-shared.vault.azure.net"],
        certificates: [
          { vaultUrl: "https://kv-tls.vault.azure.net", name: "WEB-TLS" },
          { vaultUrl: "https://kv-m2m.vault.azure.net", name: "Partner-API" },
        ],
      }) as unknown,
      problems: [],
    });
  });

  it("takes a bare name and the same certificate by URL as one, whatever the case of the vault", () => {
    const credential = { ...keyVault, vaultUrl: "https://KV-M2M.vault.azure.net" };
    expect(
      read(
        {
          M2M_CERT_SCOPE:
            "partner-api, https://kv-m2m.vault.azure.net/certificates/PARTNER-API, other, https://kv-tls.vault.azure.net/certificates/a, https://kv-tls.vault.azure.net/certificates/b, https://kv-tls.vault.azure.net//",
        },
        credential,
      ),
    ).toEqual({
      value: expect.objectContaining({
        vaults: ["https://kv-tls.vault.azure.net"],
        certificates: [
          { vaultUrl: "https://kv-m2m.vault.azure.net", name: "PARTNER-API" },
          { vaultUrl: "https://KV-M2M.vault.azure.net", name: "other" },
          { vaultUrl: "https://kv-tls.vault.azure.net", name: "a" },
          { vaultUrl: "https://kv-tls.vault.azure.net", name: "b" },
        ],
      }) as unknown,
      problems: [],
    });
  });

  it("names each bad entry, and why", () => {
    const problems = read({
      M2M_CERT_SCOPE:
        "http://kv.vault.azure.net, https://kv.vault.azure.net/?x, https://kv.vault.azure.net/#x, https://kv.vault.azure.net/secrets/x, https://kv.vault.azure.net/certificates/a_b, https://kv.vault.azure.net/x/certificates/y, https://kv.vault.azure.net/certificates/a/b, not a name",
    }).problems;
    const form =
      "comma-separated certificates to watch besides the app's own: https://<vault>.vault.azure.net (every certificate in the vault), https://<vault>.vault.azure.net/certificates/<name> (one certificate), or a bare <name> in M2M_KEYVAULT_URL's vault; empty = the app's own certificate only";
    expect(problems).toEqual([
      `M2M_CERT_SCOPE: expected ${form}; got "http://kv.vault.azure.net"`,
      `M2M_CERT_SCOPE: expected ${form}; got "https://kv.vault.azure.net/?<query removed>"`,
      `M2M_CERT_SCOPE: expected ${form}; got "https://kv.vault.azure.net/#<fragment removed>"`,
      `M2M_CERT_SCOPE: expected ${form} (the path must be empty or /certificates/<name>); got "https://kv.vault.azure.net/secrets/x"`,
      `M2M_CERT_SCOPE: expected ${form} (the path must be empty or /certificates/<name>); got "https://kv.vault.azure.net/certificates/a_b"`,
      `M2M_CERT_SCOPE: expected ${form} (the path must be empty or /certificates/<name>); got "https://kv.vault.azure.net/x/certificates/y"`,
      `M2M_CERT_SCOPE: expected ${form} (the path must be empty or /certificates/<name>); got "https://kv.vault.azure.net/certificates/a/b"`,
      `M2M_CERT_SCOPE: expected ${form}; got "not a name"`,
    ]);
  });

  it("needs the Key Vault credential source for a bare name", () => {
    expect(read({ M2M_CERT_SCOPE: "partner-api" }, { kind: "client-secret", secret: "s" })).toEqual({
      value: expect.objectContaining({ certificates: [] }) as unknown,
      problems: [
        expect.stringMatching(
          /^M2M_CERT_SCOPE: expected .* \(a bare name needs M2M_KEYVAULT_URL; give the full https:\/\/<vault>\.vault\.azure\.net\/certificates\/<name>\); got "partner-api"$/,
        ),
      ],
    });
  });

  it.each(["team", "team=payments", "team=", `${"t".repeat(512)}=${"v".repeat(256)}`])(
    "reads the tag %s",
    (tag) => {
      expect(read({ M2M_CERT_SCOPE_TAG: tag })).toEqual({
        value: expect.objectContaining({ tag }) as unknown,
        problems: [],
      });
    },
  );

  it.each(["=x", "a,b", "a=b,c", "t".repeat(513), `t=${"v".repeat(257)}`])("refuses the tag %s", (tag) => {
    expect(read({ M2M_CERT_SCOPE_TAG: tag })).toEqual({
      value: expect.objectContaining({ tag: null }) as unknown,
      problems: [
        `M2M_CERT_SCOPE_TAG: expected <tag> or <tag>=<value>: whole-vault entries of M2M_CERT_SCOPE watch only certificates with this tag (named certificates are always watched); got ${JSON.stringify(tag)}`,
      ],
    });
  });

  it("reads when to renew (1 to 3650 days) and whether to alert on the app registration's credentials", () => {
    expect(
      read({ M2M_CERT_RENEW_BEFORE_DAYS: "1", M2M_CERT_ALERT_APP_CREDENTIALS: "FALSE" }).value,
    ).toMatchObject({
      renewBeforeDays: 1,
      appCredentials: false,
    });
    expect(
      read({ M2M_CERT_RENEW_BEFORE_DAYS: "3650", M2M_CERT_ALERT_APP_CREDENTIALS: "true" }).value,
    ).toMatchObject({ renewBeforeDays: 3650, appCredentials: true });
    expect(read({ M2M_CERT_RENEW_BEFORE_DAYS: "0", M2M_CERT_ALERT_APP_CREDENTIALS: "no" }).problems).toEqual([
      expect.stringMatching(/^M2M_CERT_RENEW_BEFORE_DAYS: .*\(1\.\.3650\); got "0"$/),
      expect.stringMatching(/^M2M_CERT_ALERT_APP_CREDENTIALS: .*; got "no"$/),
    ]);
  });
});
