import { beforeAll, describe, expect, it } from "vitest";
import { toPfxBase64 } from "../../../dev/pki/toPfx.js";
import { parseKeyVaultSecret } from "../../../src/credentials/certificate/parseKeyVaultSecret.js";
import { certificateFixtures, credentialRejectionOf, type CertificateFixtures } from "./fixtures.js";

const source = "Key Vault certificate 'app-cert' version 3f2a9c in https://kv-m2m.vault.azure.net";
let f: CertificateFixtures;
let pemValue: string;
let pfxValue: string;

beforeAll(async () => {
  f = await certificateFixtures();
  // What Key Vault returns: the key, then the chain leaf first; or a base64 PFX with an empty password.
  pemValue = f.leaf.keyPem + f.leaf.certPem + f.intermediate.certPem;
  pfxValue = toPfxBase64(f.leaf.keyPem, [f.leaf.certPem, f.intermediate.certPem]);
});

describe("parseKeyVaultSecret", () => {
  it.each([
    ["application/x-pem-file", () => pemValue],
    ["application/x-pkcs12", () => pfxValue],
    ["APPLICATION/X-PEM-FILE; charset=utf-8", () => pemValue],
    [" application/x-pkcs12 ", () => pfxValue],
    [null, () => pemValue],
    [undefined, () => pfxValue],
    ["", () => pfxValue],
  ])("reads a secret with content type %j", async (contentType, value) => {
    const credential = await parseKeyVaultSecret({ value: value(), contentType }, source);

    expect(credential.source).toBe(source);
    expect(credential.thumbprintSha256).toBe(f.leaf.thumbprintSha256);
    expect(credential.privateKeyPem).toBe(f.leaf.keyPem);
    expect(credential.chainPems).toEqual([f.leaf.certPem, f.intermediate.certPem]);
  });

  it("accepts a base64 PFX broken over lines", async () => {
    const wrapped = pfxValue.replace(/.{76}/g, "$&\n");

    expect(
      (await parseKeyVaultSecret({ value: wrapped, contentType: "application/x-pkcs12" }, source)).subject,
    ).toBe("CN=m2m-client, O=Contoso");
  });

  it("CERTIFICATE_NO_PRIVATE_KEY for what Key Vault returns when the key is not exportable", async () => {
    for (const secret of [
      { value: f.leaf.certPem + f.intermediate.certPem, contentType: "application/x-pem-file" },
      { value: f.leaf.certPem, contentType: null },
    ]) {
      const error = await credentialRejectionOf(() => parseKeyVaultSecret(secret, source));

      expect(error.code).toBe("CERTIFICATE_NO_PRIVATE_KEY");
      expect(error.message).toContain(`${source} (PEM) has `);
      expect(error.message).toContain(
        `Key Vault returns a certificate this way when its key is not exportable: set "exportable": true in the ` +
          `certificate policy's key properties and create a new version, or import a certificate that was ` +
          `created exportable, with its key.`,
      );
    }
  });

  it("CERTIFICATE_UNREADABLE naming an unknown content type", async () => {
    const error = await credentialRejectionOf(() =>
      parseKeyVaultSecret({ value: "hunter2", contentType: "text/plain" }, source),
    );

    expect(error.code).toBe("CERTIFICATE_UNREADABLE");
    expect(error.message).toBe(
      `${source}: the secret's content type is 'text/plain', expected application/x-pem-file or ` +
        `application/x-pkcs12. Is M2M_KEYVAULT_CERTIFICATE_NAME the name of a certificate (not of a plain secret)?`,
    );
  });

  it("CERTIFICATE_UNREADABLE for a plain secret without a content type", async () => {
    const error = await credentialRejectionOf(() =>
      parseKeyVaultSecret({ value: "p@ss~word!", contentType: null }, source),
    );

    expect(error.code).toBe("CERTIFICATE_UNREADABLE");
    expect(error.message).toBe(
      `${source}: the secret has no content type and its value is neither PEM text nor base64 PKCS#12. ` +
        `Is M2M_KEYVAULT_CERTIFICATE_NAME the name of a certificate (not of a plain secret)?`,
    );
  });

  it("CERTIFICATE_UNREADABLE for a PKCS#12 content type whose value is not base64", async () => {
    const error = await credentialRejectionOf(() =>
      parseKeyVaultSecret(
        { value: `${pfxValue.slice(0, 100)}!!`, contentType: "application/x-pkcs12" },
        source,
      ),
    );

    expect(error.code).toBe("CERTIFICATE_UNREADABLE");
    expect(error.message).toBe(
      `${source}: the secret's content type is application/x-pkcs12 but its value is not base64. Expected the ` +
        `base64 of a PFX file: import the certificate into Key Vault again.`,
    );
  });

  it("CERTIFICATE_UNREADABLE for a PEM content type whose value is a base64 PFX", async () => {
    const error = await credentialRejectionOf(() =>
      parseKeyVaultSecret({ value: pfxValue, contentType: "application/x-pem-file" }, source),
    );

    expect(error.code).toBe("CERTIFICATE_UNREADABLE");
    expect(error.message).toBe(
      `${source}: the secret's content type is application/x-pem-file but its value is base64, not PEM text ` +
        `(a PFX?). Set the secret's content type to application/x-pkcs12, or store the PEM text.`,
    );
  });

  it("CERTIFICATE_UNREADABLE for a truncated base64 PFX", async () => {
    const error = await credentialRejectionOf(() =>
      parseKeyVaultSecret({ value: pfxValue.slice(0, 400), contentType: "application/x-pkcs12" }, source),
    );

    expect(error.code).toBe("CERTIFICATE_UNREADABLE");
    expect(error.message).toContain(`${source} is not a readable PKCS#12 (PFX) file (`);
  });
});
