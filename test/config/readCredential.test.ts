import { describe, expect, it } from "vitest";
import { createSettingReader } from "../../src/config/createSettingReader.js";
import { readCredential } from "../../src/config/readCredential.js";

const identity = "11111111-2222-3333-4444-555555555555";
const vault = {
  M2M_KEYVAULT_URL: "https://kv-m2m.vault.azure.net",
  M2M_KEYVAULT_CERTIFICATE_NAME: "m2m-client",
};

function read(env: Record<string, string>) {
  const reader = createSettingReader(env);
  return { value: readCredential(reader), problems: reader.problems };
}

describe("readCredential", () => {
  it("defaults to a Key Vault certificate, the system-assigned identity, SHA-256 and no x5c", () => {
    expect(read(vault)).toEqual({
      value: {
        credential: {
          kind: "keyvault-certificate",
          vaultUrl: "https://kv-m2m.vault.azure.net",
          certificateName: "m2m-client",
          certificateVersion: null,
          refreshMinutes: 10,
          vaultAuth: "managed-identity",
          signing: "auto",
        },
        managedIdentityClientId: null,
        thumbprintAlgorithm: "sha256",
        sendX5c: false,
      },
      problems: [],
    });
  });

  it("says which source needs a missing setting", () => {
    expect(read({}).problems).toEqual([
      "M2M_KEYVAULT_URL is missing (needed by M2M_CREDENTIAL_SOURCE=keyvault-certificate): set it to https://<vault>.vault.azure.net",
      "M2M_KEYVAULT_CERTIFICATE_NAME is missing (needed by M2M_CREDENTIAL_SOURCE=keyvault-certificate): set it to Key Vault certificate name (1-127 letters, digits, dashes)",
    ]);
    expect(read({ M2M_CREDENTIAL_SOURCE: "certificate-file" }).problems).toEqual([
      "M2M_CERTIFICATE_PATH is missing (needed by M2M_CREDENTIAL_SOURCE=certificate-file): set it to path to a .pem (key + certificate) or .pfx/.p12 file",
    ]);
    expect(read({ M2M_CREDENTIAL_SOURCE: "Client-Secret" }).problems).toEqual([
      "M2M_CLIENT_SECRET is missing (needed by M2M_CREDENTIAL_SOURCE=client-secret): set it to the client secret's Value (not its Secret ID)",
    ]);
  });

  it("reads a certificate file with or without its password", () => {
    expect(read({ M2M_CREDENTIAL_SOURCE: "certificate-file", M2M_CERTIFICATE_PATH: "./app.pfx" })).toEqual({
      value: expect.objectContaining({
        credential: { kind: "certificate-file", path: "./app.pfx", password: null },
      }) as unknown,
      problems: [],
    });
    expect(
      read({
        M2M_CREDENTIAL_SOURCE: "certificate-file",
        M2M_CERTIFICATE_PATH: "./app.pfx",
        M2M_CERTIFICATE_PASSWORD: "pw",
      }).value.credential,
    ).toEqual({ kind: "certificate-file", path: "./app.pfx", password: "pw" });
  });

  it("reads a client secret, and says when it was given the secret's ID instead of its value", () => {
    expect(read({ M2M_CREDENTIAL_SOURCE: "client-secret", M2M_CLIENT_SECRET: "s3cret~value" })).toEqual({
      value: expect.objectContaining({
        credential: { kind: "client-secret", secret: "s3cret~value" },
      }) as unknown,
      problems: [],
    });
    const { problems } = read({
      M2M_CREDENTIAL_SOURCE: "client-secret",
      M2M_CLIENT_SECRET: "0b2c7a1e-aaaa-bbbb-cccc-123456789abc",
    });
    expect(problems).toEqual([
      "M2M_CLIENT_SECRET: got <redacted>, which has the form of a GUID — that is the secret's ID; set the secret's Value (shown once, when the secret is created)",
    ]);
  });

  it("reads managed identity federation with the default audience, or the one given", () => {
    expect(read({ M2M_CREDENTIAL_SOURCE: "managed-identity-federation" })).toEqual({
      value: expect.objectContaining({
        credential: { kind: "managed-identity-federation", audience: "api://AzureADTokenExchange" },
      }) as unknown,
      problems: [],
    });
    expect(
      read({ M2M_CREDENTIAL_SOURCE: "managed-identity-federation", M2M_FEDERATION_AUDIENCE: "api://custom" })
        .value.credential,
    ).toEqual({ kind: "managed-identity-federation", audience: "api://custom" });
  });

  it("names an unknown source and checks the default source's settings", () => {
    expect(read({ ...vault, M2M_CREDENTIAL_SOURCE: "password" })).toEqual({
      value: expect.objectContaining({
        credential: expect.objectContaining({ kind: "keyvault-certificate" }) as unknown,
      }) as unknown,
      problems: [
        'M2M_CREDENTIAL_SOURCE: expected keyvault-certificate | certificate-file | client-secret | managed-identity-federation (default keyvault-certificate); got "password"',
      ],
    });
  });

  it("reads a user-assigned identity by its client id GUID", () => {
    expect(read({ ...vault, M2M_MANAGED_IDENTITY_CLIENT_ID: identity })).toEqual({
      value: expect.objectContaining({ managedIdentityClientId: identity }) as unknown,
      problems: [],
    });
    expect(read({ ...vault, M2M_MANAGED_IDENTITY_CLIENT_ID: "mi-m2m" }).problems).toEqual([
      'M2M_MANAGED_IDENTITY_CLIENT_ID: expected client id GUID of a user-assigned managed identity; empty = system-assigned; got "mi-m2m"',
    ]);
  });

  it("reads the thumbprint algorithm and x5c, and names values that are neither", () => {
    expect(read({ ...vault, M2M_THUMBPRINT_ALGORITHM: "SHA1", M2M_SEND_X5C: "TRUE" })).toEqual({
      value: expect.objectContaining({ thumbprintAlgorithm: "sha1", sendX5c: true }) as unknown,
      problems: [],
    });
    expect(read({ ...vault, M2M_SEND_X5C: "false" }).value.sendX5c).toBe(false);
    expect(read({ ...vault, M2M_THUMBPRINT_ALGORITHM: "md5", M2M_SEND_X5C: "yes" })).toEqual({
      value: expect.objectContaining({ thumbprintAlgorithm: "sha256", sendX5c: false }) as unknown,
      problems: [
        'M2M_THUMBPRINT_ALGORITHM: expected sha256 (PS256 assertions, default) | sha1 (RS256, legacy); got "md5"',
        'M2M_SEND_X5C: expected true | false: send the certificate chain (x5c) for subject name + issuer authentication (default false); got "yes"',
      ],
    });
  });
});
