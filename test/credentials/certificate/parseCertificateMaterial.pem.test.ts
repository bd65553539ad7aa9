import { createPrivateKey } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { parseCertificateMaterial } from "../../../src/credentials/certificate/parseCertificateMaterial.js";
import {
  certificateFixtures,
  credentialRejectionOf,
  issueEcCertificate,
  toEncryptedPkcs8,
  toPkcs1,
  type CertificateFixtures,
} from "./fixtures.js";

const source = "certificate file /home/site/app.pem";
let f: CertificateFixtures;

beforeAll(async () => {
  f = await certificateFixtures();
});

/** How many lines a PEM takes, so line numbers in messages can be predicted whatever the DER length. */
const lineCount = (text: string) => text.trimEnd().split("\n").length;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
const pem = (text: string, password?: string) =>
  parseCertificateMaterial({ kind: "pem", text, password }, source);

describe("parseCertificateMaterial (PEM)", () => {
  it("reads a key and its certificate into a credential with the leaf's facts", async () => {
    const credential = await pem(f.leaf.keyPem + f.leaf.certPem);

    expect(credential).toEqual({
      source,
      privateKeyPem: f.leaf.keyPem,
      chainPems: [f.leaf.certPem],
      thumbprintSha1: f.leaf.thumbprintSha1,
      thumbprintSha256: f.leaf.thumbprintSha256,
      subject: "CN=m2m-client, O=Contoso",
      issuer: "CN=m2m test intermediate",
      serialNumber: expect.stringMatching(/^[0-9A-F]+$/) as unknown,
      notBefore: new Date("2025-01-01T00:00:00.000Z"),
      notAfter: new Date("2035-01-01T00:00:00.000Z"),
      keyBits: 2048,
    });
  });

  it("reports thumbprints in upper-case hex, as issueCertificate computed them", async () => {
    const credential = await pem(f.leaf.certPem + f.leaf.keyPem);

    expect(credential.thumbprintSha1).toBe(f.leaf.thumbprintSha1);
    expect(credential.thumbprintSha256).toBe(f.leaf.thumbprintSha256);
    expect(credential.thumbprintSha1).toMatch(/^[0-9A-F]{40}$/);
    expect(credential.thumbprintSha256).toMatch(/^[0-9A-F]{64}$/);
  });

  it.each([
    ["leaf, intermediate, root", ["leaf", "intermediate", "root"]],
    ["root, intermediate, leaf", ["root", "intermediate", "leaf"]],
    ["intermediate, root, leaf", ["intermediate", "root", "leaf"]],
    ["root, leaf, intermediate", ["root", "leaf", "intermediate"]],
  ] as const)("orders a chain given as %s: leaf first, then each issuer", async (_, order) => {
    const certs = order.map((name) => f[name].certPem).join("");

    for (const text of [f.leaf.keyPem + certs, certs + f.leaf.keyPem]) {
      expect((await pem(text)).chainPems).toEqual([f.leaf.certPem, f.intermediate.certPem, f.root.certPem]);
    }
  });

  it("leaves a certificate that is not on the leaf's path out of the chain", async () => {
    const credential = await pem(f.other.certPem + f.leaf.keyPem + f.intermediate.certPem + f.leaf.certPem);

    expect(credential.chainPems).toEqual([f.leaf.certPem, f.intermediate.certPem]);
  });

  it("treats a duplicated certificate or key as one", async () => {
    const credential = await pem(f.leaf.certPem + f.leaf.keyPem + f.leaf.certPem + toPkcs1(f.leaf.keyPem));

    expect(credential.chainPems).toEqual([f.leaf.certPem]);
  });

  it('accepts "\\r\\n", blank lines and indentation, and returns "\\n" only', async () => {
    const messy = `\n\n  ${f.leaf.keyPem}\n\n${f.leaf.certPem.replace(/\n/g, "\r\n")}\r\n\r\n`.replace(
      /\n(?=[A-Za-z0-9+/])/g,
      "\n   ",
    );

    const credential = await pem(messy);

    expect(credential.privateKeyPem).toBe(f.leaf.keyPem);
    expect(credential.chainPems).toEqual([f.leaf.certPem]);
    expect(credential.privateKeyPem + credential.chainPems.join("")).not.toContain("\r");
  });

  it("accepts the Bag Attributes, subject= and issuer= lines openssl pkcs12 prints, and drops them", async () => {
    const text = [
      "Bag Attributes",
      "    friendlyName: m2m-client",
      "    localKeyID: 9B AE DE E7 B7 E8 8F 44 01 9C 79 0F F6 7F AF 2A A0 0D ",
      "subject=CN = m2m-client, O = Contoso",
      "issuer=CN = m2m test intermediate",
      f.leaf.certPem.trimEnd(),
      "Bag Attributes: <No Attributes>",
      "subject=CN = m2m test intermediate",
      "issuer=CN = m2m test root",
      f.intermediate.certPem.trimEnd(),
      "Bag Attributes",
      "    localKeyID: 9B AE DE E7 B7 E8 8F 44 01 9C 79 0F F6 7F AF 2A A0 0D ",
      "Key Attributes: <No Attributes>",
      f.leaf.keyPem.trimEnd(),
      "",
    ].join("\n");

    const credential = await pem(text);

    expect(credential.privateKeyPem).toBe(f.leaf.keyPem);
    expect(credential.chainPems).toEqual([f.leaf.certPem, f.intermediate.certPem]);
    expect(credential.privateKeyPem + credential.chainPems.join("")).not.toMatch(
      /Bag Attributes|localKeyID|subject=/,
    );
  });

  it('returns a PKCS#1 "RSA PRIVATE KEY" as PKCS#8 "PRIVATE KEY"', async () => {
    const pkcs1 = toPkcs1(f.leaf.keyPem);
    expect(pkcs1).toMatch(/^-{5}BEGIN RSA PRIVATE KEY-{5}\n/);

    const credential = await pem(f.leaf.certPem + pkcs1);

    expect(credential.privateKeyPem).toMatch(/^-{5}BEGIN PRIVATE KEY-{5}\n/);
    expect(credential.privateKeyPem).toBe(f.leaf.keyPem);
  });

  it('decrypts an "ENCRYPTED PRIVATE KEY" with the password and returns it unencrypted', async () => {
    const credential = await pem(f.leaf.certPem + toEncryptedPkcs8(f.leaf.keyPem, "s3cret"), "s3cret");

    expect(credential.privateKeyPem).toBe(f.leaf.keyPem);
  });

  it("decrypts a legacy OpenSSL encrypted PKCS#1 key (Proc-Type: 4,ENCRYPTED)", async () => {
    const legacy = createPrivateKey(f.leaf.keyPem)
      .export({ type: "pkcs1", format: "pem", cipher: "aes-256-cbc", passphrase: "s3cret" })
      .toString();
    expect(legacy).toContain("Proc-Type: 4,ENCRYPTED");

    expect((await pem(legacy + f.leaf.certPem, "s3cret")).privateKeyPem).toBe(f.leaf.keyPem);
  });

  it("ignores a password when the key is not encrypted", async () => {
    expect((await pem(f.leaf.keyPem + f.leaf.certPem, "unused")).privateKeyPem).toBe(f.leaf.keyPem);
  });
});

describe("parseCertificateMaterial (PEM) errors", () => {
  it("CERTIFICATE_PASSWORD_INVALID when an encrypted key comes without a password", async () => {
    const error = await credentialRejectionOf(() =>
      pem(f.leaf.certPem + toEncryptedPkcs8(f.leaf.keyPem, "s3cret")),
    );

    expect(error.code).toBe("CERTIFICATE_PASSWORD_INVALID");
    expect(error.message).toBe(
      `${source} has an encrypted private key and no password was given. Set M2M_CERTIFICATE_PASSWORD (for a ` +
        `certificate file), or store the key unencrypted ("openssl pkcs8 -topk8 -nocrypt -in key.pem").`,
    );
  });

  it("CERTIFICATE_PASSWORD_INVALID when the password is wrong", async () => {
    const error = await credentialRejectionOf(() =>
      pem(toEncryptedPkcs8(f.leaf.keyPem, "s3cret") + f.leaf.certPem, "wrong"),
    );

    expect(error.code).toBe("CERTIFICATE_PASSWORD_INVALID");
    expect(error.message).toBe(
      `${source}: the encrypted private key cannot be decrypted with the given password. Set ` +
        `M2M_CERTIFICATE_PASSWORD to the password the key was encrypted with.`,
    );
  });

  it("CERTIFICATE_UNREADABLE for text without PEM blocks", async () => {
    const error = await credentialRejectionOf(() => pem("this is not a certificate"));

    expect(error.code).toBe("CERTIFICATE_UNREADABLE");
    expect(error.message).toBe(
      `${source} is not PEM: no "-----BEGIN ...-----" block found. Expected a private key ("BEGIN PRIVATE KEY") and ` +
        `certificate ("BEGIN CERTIFICATE") blocks, or a PFX file.`,
    );
  });

  it("CERTIFICATE_UNREADABLE for empty text", async () => {
    const error = await credentialRejectionOf(() => pem(" \n"));

    expect(error.code).toBe("CERTIFICATE_UNREADABLE");
    expect(error.message).toBe(
      `${source} is empty. Expected PEM text with a private key and its certificate.`,
    );
  });

  it("CERTIFICATE_UNREADABLE for a PEM cut off in the middle of a block", async () => {
    const text = f.leaf.keyPem + f.leaf.certPem.slice(0, 300);

    const error = await credentialRejectionOf(() => pem(text));

    expect(error.code).toBe("CERTIFICATE_UNREADABLE");
    expect(error.message).toBe(
      `${source}: the PEM block "CERTIFICATE" that starts on line ${lineCount(f.leaf.keyPem) + 1} has no ` +
        `"-----END CERTIFICATE-----" line, so the text looks truncated. Export the certificate again with its ` +
        `private key (PEM or PFX) and replace it.`,
    );
  });

  it("CERTIFICATE_UNREADABLE for a PEM cut off at the start", async () => {
    const error = await credentialRejectionOf(() => pem(f.leaf.keyPem.slice(40) + f.leaf.certPem));

    expect(error.code).toBe("CERTIFICATE_UNREADABLE");
    expect(error.message).toBe(
      `${source}: line ${lineCount(f.leaf.keyPem.slice(40))} ends a PEM block "PRIVATE KEY" that never began, so the text looks truncated at the ` +
        `start. Export the certificate again with its private key (PEM or PFX) and replace it.`,
    );
  });

  it("CERTIFICATE_UNREADABLE for a block whose base64 is damaged", async () => {
    const damaged = f.leaf.certPem.replace(/\n(.)/, "\n!$1");
    const [keyLines, certLines] = [lineCount(f.leaf.keyPem), lineCount(f.leaf.certPem)];

    const error = await credentialRejectionOf(() => pem(f.leaf.keyPem + damaged));

    expect(error.code).toBe("CERTIFICATE_UNREADABLE");
    expect(error.message).toBe(
      `${source}: the PEM block "CERTIFICATE" on lines ${keyLines + 1}-${keyLines + certLines} is not valid base64 (damaged or cut while ` +
        `copying). Export the certificate again with its private key (PEM or PFX) and replace it.`,
    );
  });

  it("CERTIFICATE_UNREADABLE for a CERTIFICATE block that holds something else", async () => {
    const notACertificate = f.leaf.keyPem.replace(/PRIVATE KEY/g, "CERTIFICATE");

    const error = await credentialRejectionOf(() => pem(f.leaf.keyPem + notACertificate));

    expect(error.code).toBe("CERTIFICATE_UNREADABLE");
    expect(error.message).toMatch(
      new RegExp(
        `^${escape(source)}: the "CERTIFICATE" block on lines ${lineCount(f.leaf.keyPem) + 1}-${2 * lineCount(f.leaf.keyPem)} is not an X\\.509 certificate \\(.+\\)\\. Export the certificate again\\.$`,
      ),
    );
  });

  it("CERTIFICATE_UNREADABLE for an unexpected kind of PEM block", async () => {
    const csr = "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n";

    const error = await credentialRejectionOf(() => pem(f.leaf.keyPem + f.leaf.certPem + csr));

    expect(error.code).toBe("CERTIFICATE_UNREADABLE");
    expect(error.message).toBe(
      `${source}: unexpected PEM block "CERTIFICATE REQUEST" on line ${lineCount(f.leaf.keyPem + f.leaf.certPem) + 1}. Expected only "PRIVATE KEY" (or ` +
        `"RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY") and "CERTIFICATE" blocks: remove the other blocks.`,
    );
  });

  it("CERTIFICATE_UNREADABLE for two different private keys", async () => {
    const error = await credentialRejectionOf(() => pem(f.leaf.keyPem + f.other.keyPem + f.leaf.certPem));

    expect(error.code).toBe("CERTIFICATE_UNREADABLE");
    expect(error.message).toBe(
      `${source} (PEM) has 2 different private keys; expected exactly one, the key of ` +
        `the app registration's certificate. Remove the others.`,
    );
  });

  it("CERTIFICATE_NO_PRIVATE_KEY for certificates without a key, naming them and the fix", async () => {
    const error = await credentialRejectionOf(() => pem(f.leaf.certPem + f.intermediate.certPem));

    expect(error.code).toBe("CERTIFICATE_NO_PRIVATE_KEY");
    expect(error.message).toBe(
      `${source} (PEM) has 2 certificates ("CN=m2m-client, O=Contoso" (SHA-1 ` +
        `thumbprint ${f.leaf.thumbprintSha1}), "CN=m2m test intermediate" (SHA-1 thumbprint ` +
        `${f.intermediate.thumbprintSha1})) but no private key. Key Vault returns a certificate this way when ` +
        `its key is not exportable: set "exportable": true in the certificate policy's key properties and ` +
        `create a new version, or import a certificate that was created exportable, with its key. For a file, ` +
        `use a PFX exported with the private key or a PEM that includes the "PRIVATE KEY" block.`,
    );
  });

  it("CERTIFICATE_NO_CERTIFICATE for a key without a certificate", async () => {
    const error = await credentialRejectionOf(() => pem(f.leaf.keyPem));

    expect(error.code).toBe("CERTIFICATE_NO_CERTIFICATE");
    expect(error.message).toBe(
      `${source} (PEM) has a private key (RSA 2048 bits) but no certificate. ` +
        `Expected the key together with the certificate issued for it: add the "CERTIFICATE" block(s) to the ` +
        `PEM, or export a PFX that includes the certificate.`,
    );
  });

  it("CERTIFICATE_KEY_MISMATCH when the key belongs to none of the certificates", async () => {
    const error = await credentialRejectionOf(() =>
      pem(f.other.keyPem + f.leaf.certPem + f.intermediate.certPem),
    );

    expect(error.code).toBe("CERTIFICATE_KEY_MISMATCH");
    expect(error.message).toBe(
      `${source}: the private key (RSA 2048 bits) does not belong to any of its 2 certificates: ` +
        `"CN=m2m-client, O=Contoso" (SHA-1 thumbprint ${f.leaf.thumbprintSha1}), "CN=m2m test intermediate" ` +
        `(SHA-1 thumbprint ${f.intermediate.thumbprintSha1}). Expected the certificate issued for this key: put ` +
        `the matching key and certificate together (export them again from the same PFX or Key Vault certificate).`,
    );
  });
});

describe("parseCertificateMaterial (PEM) key types", () => {
  it("CERTIFICATE_KEY_NOT_RSA for an EC key, before looking for its certificate", async () => {
    const ec = await issueEcCertificate();

    for (const text of [ec.keyPem + ec.certPem, ec.keyPem + f.leaf.certPem]) {
      const error = await credentialRejectionOf(() => pem(text));

      expect(error.code).toBe("CERTIFICATE_KEY_NOT_RSA");
      expect(error.message).toBe(
        `${source} has a EC P-256 key; Entra ID accepts only RSA keys for certificate credentials (client ` +
          `assertions are signed RS256/PS256). Create the certificate with an RSA key (Key Vault policy: keyType ` +
          `"RSA", keySize 2048 or more) and register it on the app registration.`,
      );
    }
  });
});
