import { X509Certificate } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { issueCertificate, type IssuedCertificate } from "../../dev/pki/issueCertificate.js";
import type { KeyVaultSigning } from "../../src/config/Config.js";
import type { CertificateStore } from "../../src/credentials/CertificateStore.js";
import { loadKeyVaultSigner } from "../../src/credentials/loadKeyVaultSigner.js";
import type { VaultKeys } from "../../src/credentials/signing/VaultKeys.js";

const VAULT = "https://kv.example";
const KEY_ID = `${VAULT}/keys/app/v1`;
let ca: IssuedCertificate;
let leaf: IssuedCertificate;
beforeAll(async () => {
  ca = await issueCertificate({ subject: "CN=issuing CA", isCa: true });
  leaf = await issueCertificate({ subject: "CN=app", issuer: ca });
});

/** A vault whose certificate 'app' v1 is `leaf`; the secret holds the key when `exportable`, as Key Vault does. */
function vault(exportable: boolean, keyId: string | null = KEY_ID) {
  const reads: string[] = [];
  const store: Pick<CertificateStore, "getSecret" | "getCertificate"> = {
    getSecret: (_name, version) => {
      reads.push(`secret ${version ?? "latest"}`);
      return Promise.resolve({
        value: (exportable ? leaf.keyPem : "") + leaf.certPem + ca.certPem,
        contentType: "application/x-pem-file",
        version: "v1",
        keyId,
      });
    },
    getCertificate: (_name, version) => {
      reads.push(`certificate ${version ?? "latest"}`);
      return Promise.resolve({ cer: new X509Certificate(leaf.certPem).raw, keyId: KEY_ID, version: "v1" });
    },
  };
  const keys: VaultKeys = { sign: () => Promise.resolve(Buffer.from("signed in the vault")) };
  const source = (signing: KeyVaultSigning) => ({
    store,
    keys,
    vaultUrl: VAULT,
    signing,
    clock: () => new Date(),
  });
  return { source, reads };
}

describe("loadKeyVaultSigner", () => {
  it("vault: reads the certificate only, never the secret, and signs with its key version", async () => {
    const { source, reads } = vault(true);
    const { signer, version } = await loadKeyVaultSigner(source("vault"), "app", null);
    expect(reads).toEqual(["certificate latest"]);
    expect(version).toBe("v1");
    expect(signer).toMatchObject({ where: "vault", keyId: KEY_ID });
    expect(signer.certificate).toMatchObject({
      source: `Key Vault certificate 'app' version v1 in ${VAULT}`,
      thumbprintSha1: leaf.thumbprintSha1,
      subject: "CN=app",
      keyBits: 2048,
    });
    expect(signer.certificate.chainPems).toHaveLength(1);
    expect(await signer.sign("PS256", Buffer.from("x"), { purpose: "client-assertion" })).toEqual(
      Buffer.from("signed in the vault"),
    );
  });

  it("auto: signs locally when the secret holds the key", async () => {
    const { source, reads } = vault(true);
    const { signer } = await loadKeyVaultSigner(source("auto"), "app", "v1");
    expect(reads).toEqual(["secret v1"]);
    expect(signer.where).toBe("local");
    expect(signer.certificate.chainPems).toHaveLength(2);
  });

  it("auto: has Key Vault sign when the secret holds only the chain (a non-exportable key), leaf first", async () => {
    const { source, reads } = vault(false);
    const { signer } = await loadKeyVaultSigner(source("auto"), "app", null);
    expect(reads).toEqual(["secret latest"]);
    expect(signer).toMatchObject({ where: "vault", keyId: KEY_ID });
    expect(signer.certificate.thumbprintSha1).toBe(leaf.thumbprintSha1);
    expect(signer.certificate.chainPems.map((pem) => new X509Certificate(pem).subject)).toEqual([
      "CN=app",
      "CN=issuing CA",
    ]);
  });

  it("auto: a secret with neither key nor key id is a certificate without its key", async () => {
    const { source } = vault(false, null);
    await expect(loadKeyVaultSigner(source("auto"), "app", null)).rejects.toMatchObject({
      code: "CERTIFICATE_NO_PRIVATE_KEY",
    });
  });

  it("local: refuses a secret without the key, saying how to let Key Vault sign", async () => {
    const { source } = vault(false);
    const error = (await loadKeyVaultSigner(source("local"), "app", null).catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: "CERTIFICATE_NO_PRIVATE_KEY" });
    expect(error.message).toContain(
      "Or keep the key in Key Vault: M2M_KEYVAULT_SIGNING is 'local'; set it to 'auto' (the default) or 'vault' so Key Vault signs with the key (the identity then needs the 'Key Vault Crypto User' role).",
    );
  });

  it("checks the certificate as for local signing: an expired one is refused", async () => {
    const expired = await issueCertificate({
      subject: "CN=old",
      notBefore: new Date(Date.now() - 10 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    });
    const store: Pick<CertificateStore, "getSecret" | "getCertificate"> = {
      getSecret: () => Promise.reject(new Error("not read")),
      getCertificate: () =>
        Promise.resolve({ cer: new X509Certificate(expired.certPem).raw, keyId: KEY_ID, version: "v9" }),
    };
    const keys: VaultKeys = { sign: () => Promise.reject(new Error("not signed")) };
    await expect(
      loadKeyVaultSigner(
        { store, keys, vaultUrl: VAULT, signing: "vault", clock: () => new Date() },
        "app",
        null,
      ),
    ).rejects.toMatchObject({ code: "CERTIFICATE_EXPIRED" });
  });

  it("refuses a key smaller than Entra ID takes, from the certificate's public key", async () => {
    const small = await issueCertificate({ subject: "CN=small", keyBits: 1024 });
    const store: Pick<CertificateStore, "getSecret" | "getCertificate"> = {
      getSecret: () => Promise.reject(new Error("not read")),
      getCertificate: () =>
        Promise.resolve({ cer: new X509Certificate(small.certPem).raw, keyId: KEY_ID, version: "v2" }),
    };
    const keys: VaultKeys = { sign: () => Promise.reject(new Error("not signed")) };
    await expect(
      loadKeyVaultSigner(
        { store, keys, vaultUrl: VAULT, signing: "vault", clock: () => new Date() },
        "app",
        null,
      ),
    ).rejects.toMatchObject({ code: "CERTIFICATE_KEY_TOO_SMALL" });
  });
});
