import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { issueCertificate, type IssuedCertificate } from "../../../dev/pki/issueCertificate.js";
import { toPfxBase64 } from "../../../dev/pki/toPfx.js";
import { checkCertificateCredential } from "../../../src/credentials/certificate/checkCertificateCredential.js";
import { parseCertificateMaterial } from "../../../src/credentials/certificate/parseCertificateMaterial.js";
import { parseKeyVaultSecret } from "../../../src/credentials/certificate/parseKeyVaultSecret.js";
import { toMsalClientCertificate } from "../../../src/credentials/certificate/toMsalClientCertificate.js";
import { CredentialError } from "../../../src/errors.js";

const source = "Key Vault certificate 'app' version v1 in https://kv.test";
let root: IssuedCertificate;
let intermediate: IssuedCertificate;
let leaf: IssuedCertificate;
let other: IssuedCertificate;

beforeAll(async () => {
  root = await issueCertificate({ subject: "CN=Test Root", isCa: true });
  intermediate = await issueCertificate({ subject: "CN=Test Intermediate", isCa: true, issuer: root });
  leaf = await issueCertificate({ subject: "CN=app", issuer: intermediate });
  other = await issueCertificate({ subject: "CN=other" });
});

function errorOf(run: () => unknown): CredentialError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CredentialError);
    return error as CredentialError;
  }
  throw new Error("expected a CredentialError");
}

async function rejectionOf(run: () => Promise<unknown>): Promise<CredentialError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(CredentialError);
    return error as CredentialError;
  }
  throw new Error("expected a CredentialError");
}

const keyBody = (pem: string) => pem.split("\n")[2]!;

describe("parseCertificateMaterial", () => {
  it("puts the leaf first and orders its issuers, whatever the input order", async () => {
    const text = [root.certPem, leaf.keyPem, intermediate.certPem, leaf.certPem].join("");
    const credential = await parseCertificateMaterial({ kind: "pem", text }, source);
    expect(credential.chainPems).toEqual([leaf.certPem, intermediate.certPem, root.certPem]);
    expect(credential).toMatchObject({
      source,
      subject: "CN=app",
      issuer: "CN=Test Intermediate",
      thumbprintSha1: leaf.thumbprintSha1,
      thumbprintSha256: leaf.thumbprintSha256,
      keyBits: 2048,
    });
  });

  it("normalises CRLF, bag attributes and PKCS#1 keys to clean PKCS#8", async () => {
    const pkcs1 = createPrivateKey(leaf.keyPem).export({ type: "pkcs1", format: "pem" }) as string;
    const text =
      `Bag Attributes\n    localKeyID: 01 00 00 00\nsubject=/CN=app\n${pkcs1}\nBag Attributes\n${leaf.certPem}`.replace(
        /\n/g,
        "\r\n",
      );
    const credential = await parseCertificateMaterial({ kind: "pem", text }, source);
    expect(credential.privateKeyPem).toMatch(/^-{5}BEGIN PRIVATE KEY-{5}\n/);
    expect(credential.privateKeyPem).not.toContain("\r");
    expect(credential.chainPems).toEqual([leaf.certPem]);
  });

  it("decrypts an encrypted PKCS#8 key with the password", async () => {
    const encrypted = createPrivateKey(leaf.keyPem).export({
      type: "pkcs8",
      format: "pem",
      cipher: "aes-256-cbc",
      passphrase: "pw",
    }) as string;
    const credential = await parseCertificateMaterial(
      { kind: "pem", text: encrypted + leaf.certPem, password: "pw" },
      source,
    );
    expect(credential.privateKeyPem).toMatch(/^-{5}BEGIN PRIVATE KEY-{5}/);
    expect(
      await rejectionOf(() =>
        parseCertificateMaterial({ kind: "pem", text: encrypted + leaf.certPem, password: "wrong" }, source),
      ),
    ).toMatchObject({
      code: "CERTIFICATE_PASSWORD_INVALID",
    });
    expect(
      (
        await rejectionOf(() =>
          parseCertificateMaterial({ kind: "pem", text: encrypted + leaf.certPem }, source),
        )
      ).message,
    ).toContain("has an encrypted private key and no password was given. Set M2M_CERTIFICATE_PASSWORD");
  });

  it("reads PKCS#12 with an empty password (as Key Vault returns it) and with a password", async () => {
    const empty = Buffer.from(toPfxBase64(leaf.keyPem, [leaf.certPem, intermediate.certPem]), "base64");
    expect((await parseCertificateMaterial({ kind: "pkcs12", der: empty }, source)).thumbprintSha256).toBe(
      leaf.thumbprintSha256,
    );
    const protectedPfx = Buffer.from(toPfxBase64(leaf.keyPem, [leaf.certPem], "s3cret"), "base64");
    expect(
      (await parseCertificateMaterial({ kind: "pkcs12", der: protectedPfx, password: "s3cret" }, source))
        .chainPems,
    ).toHaveLength(1);
    const wrong = await rejectionOf(() =>
      parseCertificateMaterial({ kind: "pkcs12", der: protectedPfx, password: "nope" }, source),
    );
    expect(wrong.code).toBe("CERTIFICATE_PASSWORD_INVALID");
    expect(wrong.message).toContain(`${source}: the PKCS#12 password is wrong. Set M2M_CERTIFICATE_PASSWORD`);
  });

  it("maps Key Vault content types, and refuses a plain secret", async () => {
    const pfx = toPfxBase64(leaf.keyPem, [leaf.certPem]);
    expect(
      (await parseKeyVaultSecret({ value: pfx, contentType: "application/x-pkcs12" }, source)).subject,
    ).toBe("CN=app");
    expect(
      (await parseKeyVaultSecret({ value: leaf.keyPem + leaf.certPem, contentType: null }, source)).subject,
    ).toBe("CN=app");
    expect(
      (await rejectionOf(() => parseKeyVaultSecret({ value: "hunter2", contentType: "text/plain" }, source)))
        .message,
    ).toBe(
      `${source}: the secret's content type is 'text/plain', expected application/x-pem-file or application/x-pkcs12. Is M2M_KEYVAULT_CERTIFICATE_NAME the name of a certificate (not of a plain secret)?`,
    );
  });

  it.each([
    ["garbage", () => ({ kind: "pem" as const, text: "not a pem" }), "CERTIFICATE_UNREADABLE", "is not PEM"],
    [
      "a truncated PFX",
      () => ({ kind: "pkcs12" as const, der: Buffer.from([0x30, 0x82, 0x01]) }),
      "CERTIFICATE_UNREADABLE",
      "not a readable PKCS#12",
    ],
    [
      "certificates without a key (non-exportable in Key Vault)",
      () => ({ kind: "pem" as const, text: leaf.certPem }),
      "CERTIFICATE_NO_PRIVATE_KEY",
      '"exportable": true',
    ],
    [
      "a key without a certificate",
      () => ({ kind: "pem" as const, text: leaf.keyPem }),
      "CERTIFICATE_NO_CERTIFICATE",
      "no certificate",
    ],
    [
      "a key that belongs to no certificate",
      () => ({ kind: "pem" as const, text: other.keyPem + leaf.certPem }),
      "CERTIFICATE_KEY_MISMATCH",
      "does not belong",
    ],
  ])("names the problem with %s", async (_name, material, code, text) => {
    const error = await rejectionOf(() => parseCertificateMaterial(material(), source));
    expect(error.code).toBe(code);
    expect(error.message).toContain(source);
    expect(error.message).toContain(text);
    expect(error.message).not.toContain(keyBody(leaf.keyPem));
    expect(error.message).not.toContain(keyBody(other.keyPem));
  });

  it("refuses keys that are not RSA", async () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({
      type: "pkcs8",
      format: "pem",
    }) as string;
    expect(
      await rejectionOf(() => parseCertificateMaterial({ kind: "pem", text: ec + leaf.certPem }, source)),
    ).toMatchObject({
      code: "CERTIFICATE_KEY_NOT_RSA",
    });
  });
});

describe("checkCertificateCredential", () => {
  it("refuses RSA keys below 2048 bits", async () => {
    const small = await issueCertificate({ subject: "CN=small", keyBits: 1024 });
    const credential = await parseCertificateMaterial(
      { kind: "pem", text: small.keyPem + small.certPem },
      source,
    );
    expect(errorOf(() => checkCertificateCredential(credential, new Date())).message).toBe(
      `${source} has a 1024-bit RSA key; Entra ID requires at least 2048 bits. Create a new certificate with a 2048-bit (or larger) key.`,
    );
  });

  it.each([
    [-1, "CERTIFICATE_NOT_YET_VALID"],
    [0, null],
    [1, null],
  ])("at notBefore %+d ms: %s", async (offset, code) => {
    const credential = await parseCertificateMaterial(
      { kind: "pem", text: leaf.keyPem + leaf.certPem },
      source,
    );
    const at = new Date(credential.notBefore.getTime() + offset);
    if (code) expect(errorOf(() => checkCertificateCredential(credential, at)).code).toBe(code);
    else expect(() => checkCertificateCredential(credential, at)).not.toThrow();
  });

  it.each([
    [-1, null],
    [0, "CERTIFICATE_EXPIRED"],
    [86_400_000 * 3, "CERTIFICATE_EXPIRED"],
  ])("at notAfter %+d ms: %s", async (offset, code) => {
    const credential = await parseCertificateMaterial(
      { kind: "pem", text: leaf.keyPem + leaf.certPem },
      source,
    );
    const at = new Date(credential.notAfter.getTime() + offset);
    if (code) expect(errorOf(() => checkCertificateCredential(credential, at)).code).toBe(code);
    else expect(() => checkCertificateCredential(credential, at)).not.toThrow();
  });

  it("says when it expired and how long ago", async () => {
    const credential = await parseCertificateMaterial(
      { kind: "pem", text: leaf.keyPem + leaf.certPem },
      source,
    );
    const at = new Date(credential.notAfter.getTime() + 3 * 86_400_000);
    expect(errorOf(() => checkCertificateCredential(credential, at)).message).toBe(
      `${source} expired on ${credential.notAfter.toISOString()} (3 days ago). Renew it in Key Vault and register the new certificate on the app registration.`,
    );
  });
});

describe("toMsalClientCertificate", () => {
  it("uses the SHA-256 thumbprint by default, SHA-1 and x5c when asked", async () => {
    const credential = await parseCertificateMaterial(
      { kind: "pem", text: leaf.keyPem + leaf.certPem + intermediate.certPem },
      source,
    );
    expect(toMsalClientCertificate(credential, { thumbprint: "sha256", sendX5c: false })).toEqual({
      thumbprintSha256: leaf.thumbprintSha256,
      privateKey: credential.privateKeyPem,
    });
    expect(toMsalClientCertificate(credential, { thumbprint: "sha1", sendX5c: true })).toEqual({
      thumbprint: leaf.thumbprintSha1,
      privateKey: credential.privateKeyPem,
      x5c: leaf.certPem + intermediate.certPem,
    });
  });
});
