import { execFileSync } from "node:child_process";
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  pbkdf2Sync,
  webcrypto,
  X509Certificate,
} from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import forge from "node-forge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toPem } from "../../../dev/pki/pem.js";
import { toPfxBase64 } from "../../../dev/pki/toPfx.js";
import { x509 } from "../../../dev/pki/x509.js";
import { toPkcs12, withSha256Mac } from "../../../src/cli/cert/toPkcs12.js";
import { parseCertificateMaterial } from "../../../src/credentials/certificate/parseCertificateMaterial.js";
import {
  certificateFixtures,
  credentialRejectionOf,
  issueEcCertificate,
  opensslVersion,
  type CertificateFixtures,
} from "./fixtures.js";

const source = "certificate file /home/site/app.pfx";
const CONVERT =
  'Convert it to a form this app reads: "openssl pkcs12 -in old.pfx -nodes -out cert.pem", then either use ' +
  'cert.pem (PEM) or re-export it with "openssl pkcs12 -export -legacy -in cert.pem -out new.pfx" ' +
  "(3DES/SHA-1, as Key Vault uses) or with OpenSSL 3's defaults (AES-256-CBC, PBKDF2, SHA-256 MAC).";
let f: CertificateFixtures;

beforeAll(async () => {
  f = await certificateFixtures();
});

const pkcs12 = (der: Buffer, password?: string) =>
  parseCertificateMaterial({ kind: "pkcs12", der, password }, source);

/** A PFX made by node-forge: `password` null computes the MAC over "no password" and leaves bags unencrypted. */
function forgePfx(keyPem: string | null, certPems: string[], password: string | null): Buffer {
  const key = keyPem === null ? null : forge.pki.privateKeyFromPem(keyPem);
  const certs = certPems.map((pem) => forge.pki.certificateFromPem(pem));
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, certs, password, { algorithm: "3des" });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), "binary");
}

type Asn1 = forge.asn1.Asn1;
const children = (node: Asn1) => node.value as Asn1[];
const oidOf = (node: Asn1) => forge.asn1.derToOid(node.value as string);
const bytesOf = (node: Asn1) => Buffer.from(node.value as string, "binary");
const der = (node: Asn1) => forge.asn1.toDer(node).getBytes();

/**
 * A PFX in OpenSSL 3's form (m2m cert create's toPkcs12) for a non-ASCII password, whose key bag, decrypted with the
 * password in the other encoding (forge's own, as node-forge alone reads it), ends in valid padding and then fails as
 * DER with "Only 8, 16, 24, or 32 bits supported" — about 1 PFX in 500 is like that. The key bag is encrypted again
 * under new IVs until one is; the MAC is computed again over the result.
 */
function pfxWhoseOtherEncodingLooksUnsupported(keyPem: string, certPem: string, password: string): Buffer {
  const pfx = forge.asn1.fromDer(toPkcs12(keyPem, certPem, password, "m2m").toString("binary"));
  // PFX.authSafe [0] OCTET STRING -> AuthenticatedSafe -> ContentInfo (data) [0] OCTET STRING -> SafeContents
  const authSafeOctets = children(children(children(pfx)[1]!)[1]!)[0]!;
  const authSafe = forge.asn1.fromDer(authSafeOctets.value as string);
  for (const contentInfo of children(authSafe)) {
    if (oidOf(children(contentInfo)[0]!) !== forge.pki.oids.data) continue;
    const contentOctets = children(children(contentInfo)[1]!)[0]!;
    const safeContents = forge.asn1.fromDer(contentOctets.value as string);
    const bag = children(safeContents).find(
      (safeBag) => oidOf(children(safeBag)[0]!) === forge.pki.oids.pkcs8ShroudedKeyBag,
    );
    if (bag === undefined) continue;
    // EncryptedPrivateKeyInfo { AlgorithmIdentifier { PBES2, { { PBKDF2, { salt, count, ... } }, { AES-256-CBC, iv } } },
    // encryptedData }
    const [algorithm, encryptedData] = children(children(children(bag)[1]!)[0]!);
    const [kdf, scheme] = children(children(algorithm!)[1]!);
    const [salt, count] = children(children(kdf!)[1]!);
    const iv = children(scheme!)[1]!;
    const iterations = forge.asn1.derToInteger(count!.value as string);
    const utf8Key = pbkdf2Sync(Buffer.from(password, "utf8"), bytesOf(salt!), iterations, 32, "sha256");
    const forgeKey = Buffer.from(
      forge.pkcs5.pbkdf2(password, salt!.value as string, iterations, 32, forge.md.sha256.create()),
      "binary",
    );
    const decipher = createDecipheriv("aes-256-cbc", utf8Key, bytesOf(iv));
    const plain = Buffer.concat([decipher.update(bytesOf(encryptedData!)), decipher.final()]);
    for (let attempt = 0; attempt < 1_000_000; attempt++) {
      const nextIv = createHash("sha256").update(`iv ${attempt}`).digest().subarray(0, 16);
      const cipher = createCipheriv("aes-256-cbc", utf8Key, nextIv);
      const encrypted = Buffer.concat([cipher.update(plain), cipher.final()]);
      const noise = createDecipheriv("aes-256-cbc", forgeKey, nextIv).setAutoPadding(false).update(encrypted);
      if (noise.at(-1) !== 1) continue;
      try {
        forge.asn1.fromDer(noise.subarray(0, -1).toString("binary"));
        continue;
      } catch (error) {
        if (!/bits supported/.test((error as Error).message)) continue;
      }
      iv.value = nextIv.toString("binary");
      encryptedData!.value = encrypted.toString("binary");
      contentOctets.value = der(safeContents);
      authSafeOctets.value = der(authSafe);
      return withSha256Mac(pfx, password);
    }
  }
  throw new Error("no key bag whose other encoding fails as DER: the search needs more IVs");
}

describe("parseCertificateMaterial (PKCS#12 written by node-forge, as Key Vault's 3DES/SHA-1 form)", () => {
  it("reads Key Vault's form (3DES, SHA-1 MAC, empty password) into the same credential as the PEM", async () => {
    const der = Buffer.from(
      toPfxBase64(f.leaf.keyPem, [f.leaf.certPem, f.intermediate.certPem, f.root.certPem]),
      "base64",
    );

    const credential = await pkcs12(der);

    expect(credential).toEqual(
      await parseCertificateMaterial(
        { kind: "pem", text: f.leaf.keyPem + f.leaf.certPem + f.intermediate.certPem + f.root.certPem },
        source,
      ),
    );
    expect(credential.thumbprintSha1).toBe(f.leaf.thumbprintSha1);
    expect(credential.thumbprintSha256).toBe(f.leaf.thumbprintSha256);
    expect(credential.privateKeyPem).toBe(f.leaf.keyPem);
  });

  it("orders a scrambled chain: leaf first, then each issuer", async () => {
    const der = Buffer.from(
      toPfxBase64(f.leaf.keyPem, [f.root.certPem, f.leaf.certPem, f.intermediate.certPem]),
      "base64",
    );

    expect((await pkcs12(der)).chainPems).toEqual([f.leaf.certPem, f.intermediate.certPem, f.root.certPem]);
  });

  it("reads a PFX protected by a password", async () => {
    const der = Buffer.from(toPfxBase64(f.leaf.keyPem, [f.leaf.certPem], "s3cret"), "base64");

    expect((await pkcs12(der, "s3cret")).thumbprintSha256).toBe(f.leaf.thumbprintSha256);
  });

  it("reads a non-ASCII password's PFX whose key bag, decrypted with the other encoding, looks unsupported", async () => {
    const password = "pässwörd";
    const der = pfxWhoseOtherEncodingLooksUnsupported(f.leaf.keyPem, f.leaf.certPem, password);

    expect((await pkcs12(der, password)).thumbprintSha256).toBe(f.leaf.thumbprintSha256);
    await expect(pkcs12(der, "passwörd")).rejects.toMatchObject({ code: "CERTIFICATE_PASSWORD_INVALID" });
  });

  it("reads a PFX whose MAC was computed over no password at all (not the empty string)", async () => {
    const der = forgePfx(f.leaf.keyPem, [f.leaf.certPem], null);

    expect((await pkcs12(der)).thumbprintSha256).toBe(f.leaf.thumbprintSha256);
    expect((await pkcs12(der, "")).thumbprintSha256).toBe(f.leaf.thumbprintSha256);
  });

  it("CERTIFICATE_PASSWORD_INVALID for a wrong password", async () => {
    const der = Buffer.from(toPfxBase64(f.leaf.keyPem, [f.leaf.certPem], "s3cret"), "base64");

    const error = await credentialRejectionOf(() => pkcs12(der, "nope"));

    expect(error.code).toBe("CERTIFICATE_PASSWORD_INVALID");
    expect(error.message).toBe(
      `${source}: the PKCS#12 password is wrong. Set M2M_CERTIFICATE_PASSWORD to the password the PFX was ` +
        `exported with. (Key Vault's own PFX secrets have no password: import the PFX as a Key Vault ` +
        `certificate rather than a secret.)`,
    );
  });

  it("CERTIFICATE_PASSWORD_INVALID when a PFX needs a password and none was given", async () => {
    const der = Buffer.from(toPfxBase64(f.leaf.keyPem, [f.leaf.certPem], "s3cret"), "base64");

    const error = await credentialRejectionOf(() => pkcs12(der));

    expect(error.code).toBe("CERTIFICATE_PASSWORD_INVALID");
    expect(error.message).toContain(
      `${source}: the PKCS#12 (PFX) is protected by a password and none was given (its integrity check fails ` +
        `with an empty one). Set M2M_CERTIFICATE_PASSWORD to the PFX's password.`,
    );
  });

  it("CERTIFICATE_NO_PRIVATE_KEY for a PFX with certificates only (Key Vault, key not exportable)", async () => {
    const der = forgePfx(null, [f.leaf.certPem], "");

    const error = await credentialRejectionOf(() => pkcs12(der));

    expect(error.code).toBe("CERTIFICATE_NO_PRIVATE_KEY");
    expect(error.message).toContain(
      `${source} (PKCS#12 (PFX)) has 1 certificate ("CN=m2m-client, O=Contoso" (SHA-1 thumbprint ` +
        `${f.leaf.thumbprintSha1})) but no private key.`,
    );
    expect(error.message).toContain(`set "exportable": true in the certificate policy's key properties`);
  });

  it("CERTIFICATE_KEY_MISMATCH for a PFX whose key belongs to none of its certificates", async () => {
    const error = await credentialRejectionOf(() => pkcs12(forgePfx(f.other.keyPem, [f.leaf.certPem], "")));

    expect(error.code).toBe("CERTIFICATE_KEY_MISMATCH");
    expect(error.message).toContain(
      `${source}: the private key (RSA 2048 bits) does not belong to any of its 1 certificate:`,
    );
  });

  it.each([
    ["random bytes", () => Buffer.from("definitely not a pfx")],
    [
      "a cut-off PFX",
      () => Buffer.from(toPfxBase64(f.leaf.keyPem, [f.leaf.certPem]), "base64").subarray(0, 200),
    ],
    ["a certificate instead of a PFX", () => Buffer.from(f.leaf.derBase64, "base64")],
  ])("CERTIFICATE_UNREADABLE for %s", async (_, der) => {
    const error = await credentialRejectionOf(() => pkcs12(der()));

    expect(error.code).toBe("CERTIFICATE_UNREADABLE");
    expect(error.message).toMatch(
      new RegExp(
        `^certificate file /home/site/app\\.pfx is not a readable PKCS#12 \\(PFX\\) file \\(.+\\)\\. Expected the ` +
          `bytes of a \\.pfx/\\.p12 file \\(base64-decoded when it comes from a Key Vault secret\\), or a PEM ` +
          `file with the key and certificate\\.$`,
      ),
    );
  });
});

const openssl = opensslVersion();

describe.skipIf(openssl === null)(
  `parseCertificateMaterial (PKCS#12 written by the openssl CLI: ${openssl ?? "not installed, skipped"})`,
  () => {
    let dir: string;
    const file = (name: string) => join(dir, name);
    const run = (...args: string[]) =>
      execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    const exportPfx = (name: string, password: string, ...options: string[]) => {
      run(
        "pkcs12",
        "-export",
        "-inkey",
        "leaf.key",
        "-in",
        "leaf.crt",
        "-certfile",
        "chain.crt",
        "-passout",
        `pass:${password}`,
        "-out",
        name,
        ...options,
      );
      return readFileSync(file(name));
    };

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "m2m-pkcs12-"));
      writeFileSync(file("leaf.key"), f.leaf.keyPem);
      writeFileSync(file("leaf.crt"), f.leaf.certPem);
      writeFileSync(file("chain.crt"), f.root.certPem + f.intermediate.certPem);
    });
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it.each([
      ["OpenSSL 3's default (AES-256-CBC, PBKDF2, SHA-256 MAC) with a password", "s3cret", []],
      ["OpenSSL 3's default with an empty password", "", []],
      ["-legacy (RC2-40 certificates, 3DES key, SHA-1 MAC)", "s3cret", ["-legacy"]],
      ["-legacy with an empty password", "", ["-legacy"]],
      ["OpenSSL 3's default with a non-ASCII password", "pässwörd", []],
      ["-legacy with a non-ASCII password", "pässwörd", ["-legacy"]],
      ["unencrypted bags (-keypbe NONE -certpbe NONE)", "", ["-keypbe", "NONE", "-certpbe", "NONE"]],
      ["a SHA-512 MAC", "s3cret", ["-macalg", "sha512"]],
    ])("reads %s", async (_, password, options) => {
      const der = exportPfx("test.pfx", password, ...options);

      const credential = await pkcs12(der, password);

      expect(credential.thumbprintSha256).toBe(f.leaf.thumbprintSha256);
      expect(credential.privateKeyPem).toBe(f.leaf.keyPem);
      expect(credential.chainPems).toEqual([f.leaf.certPem, f.intermediate.certPem, f.root.certPem]);
    });

    it("reads the PEM openssl pkcs12 -nodes prints (bag attributes, subject= and issuer= lines)", async () => {
      exportPfx("bags.pfx", "s3cret", "-name", "m2m-client");
      const text = run("pkcs12", "-in", "bags.pfx", "-nodes", "-passin", "pass:s3cret").toString("utf8");
      expect(text).toContain("Bag Attributes");

      const credential = await parseCertificateMaterial({ kind: "pem", text }, source);

      expect(credential.privateKeyPem).toBe(f.leaf.keyPem);
      expect(credential.chainPems).toEqual([f.leaf.certPem, f.intermediate.certPem, f.root.certPem]);
    });

    it("CERTIFICATE_NO_CERTIFICATE for a PFX with a key only (-nocerts)", async () => {
      run("pkcs12", "-export", "-nocerts", "-inkey", "leaf.key", "-passout", "pass:", "-out", "key-only.pfx");
      const der = readFileSync(file("key-only.pfx"));

      const error = await credentialRejectionOf(() => pkcs12(der));

      expect(error.code).toBe("CERTIFICATE_NO_CERTIFICATE");
      expect(error.message).toContain(
        `${source} (PKCS#12 (PFX)) has a private key (RSA 2048 bits) but no certificate.`,
      );
    });

    it("CERTIFICATE_PASSWORD_INVALID for a wrong password on OpenSSL 3's default form", async () => {
      const der = exportPfx("aes.pfx", "s3cret");

      expect((await credentialRejectionOf(() => pkcs12(der, "wrong"))).code).toBe(
        "CERTIFICATE_PASSWORD_INVALID",
      );
    });

    it("CERTIFICATE_PASSWORD_INVALID for a wrong password on an encrypted PFX without a MAC", async () => {
      const der = exportPfx("nomac.pfx", "s3cret", "-nomac");

      const error = await credentialRejectionOf(() => pkcs12(der, "wrong"));

      expect(error.code).toBe("CERTIFICATE_PASSWORD_INVALID");
      expect(error.message).toBe(
        `${source}: the PKCS#12 (PFX) has no integrity check (MAC) and could not be decrypted, so the password is ` +
          `most likely wrong. Set M2M_CERTIFICATE_PASSWORD to the password the PFX was exported with.`,
      );
    });

    it.each([
      [
        "ARIA-256-CBC encryption",
        ["-keypbe", "ARIA-256-CBC", "-certpbe", "ARIA-256-CBC"],
        "the algorithm ARIA-256-CBC (OID 1.2.410.200046.1.1.12)",
      ],
      [
        "CAMELLIA-256-CBC key encryption",
        ["-keypbe", "CAMELLIA-256-CBC"],
        "the algorithm CAMELLIA-256-CBC (OID 1.2.392.200011.61.1.1.1.4)",
      ],
      ["a SHA3-256 MAC", ["-macalg", "sha3-256"], "the MAC algorithm SHA3-256 (OID 2.16.840.1.101.3.4.2.8)"],
    ])(
      "CERTIFICATE_UNREADABLE naming the form and the conversion for %s, which node-forge cannot read",
      async (_, options, what) => {
        const der = exportPfx("unsupported.pfx", "s3cret", ...options);

        const error = await credentialRejectionOf(() => pkcs12(der, "s3cret"));

        expect(error.code).toBe("CERTIFICATE_UNREADABLE");
        expect(error.message).toBe(
          `${source}: the PKCS#12 (PFX) uses ${what}, which this app's PKCS#12 reader (node-forge) cannot read. ${CONVERT}`,
        );
      },
    );

    it("keeps the exact bytes (and thumbprint) of an RSA certificate signed by an ECDSA CA", async () => {
      const ecdsa = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
      const rsa = {
        name: "RSASSA-PKCS1-v1_5",
        hash: "SHA-256",
        publicExponent: new Uint8Array([1, 0, 1]),
        modulusLength: 2048,
      };
      const caKeys = await webcrypto.subtle.generateKey(ecdsa, true, ["sign", "verify"]);
      const leafKeys = await webcrypto.subtle.generateKey(rsa, true, ["sign", "verify"]);
      const ca = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: "0a",
        name: "CN=m2m ecdsa ca",
        notBefore: new Date(Date.now() - 60_000),
        notAfter: new Date(Date.now() + 86_400_000),
        keys: caKeys,
        signingAlgorithm: ecdsa,
        extensions: [new x509.BasicConstraintsExtension(true, 0, true)],
      });
      const leaf = await x509.X509CertificateGenerator.create({
        serialNumber: "0b",
        subject: "CN=m2m rsa leaf",
        issuer: ca.subject,
        notBefore: new Date(Date.now() - 60_000),
        notAfter: new Date(Date.now() + 86_400_000),
        publicKey: leafKeys.publicKey,
        signingKey: caKeys.privateKey,
        signingAlgorithm: ecdsa,
      });
      writeFileSync(
        file("ecdsa-leaf.key"),
        toPem("PRIVATE KEY", await webcrypto.subtle.exportKey("pkcs8", leafKeys.privateKey)),
      );
      writeFileSync(file("ecdsa-leaf.crt"), toPem("CERTIFICATE", leaf.rawData));
      writeFileSync(file("ecdsa-ca.crt"), toPem("CERTIFICATE", ca.rawData));
      run(
        "pkcs12",
        "-export",
        "-inkey",
        "ecdsa-leaf.key",
        "-in",
        "ecdsa-leaf.crt",
        "-certfile",
        "ecdsa-ca.crt",
        "-passout",
        "pass:",
        "-out",
        "ecdsa.pfx",
      );

      const credential = await pkcs12(readFileSync(file("ecdsa.pfx")));

      expect(credential.thumbprintSha256).toBe(
        createHash("sha256").update(Buffer.from(leaf.rawData)).digest("hex").toUpperCase(),
      );
      expect(credential.chainPems).toEqual([
        toPem("CERTIFICATE", leaf.rawData),
        toPem("CERTIFICATE", ca.rawData),
      ]);
      expect(
        new X509Certificate(credential.chainPems[0]!).verify(
          new X509Certificate(credential.chainPems[1]!).publicKey,
        ),
      ).toBe(true);
    });

    it("CERTIFICATE_KEY_NOT_RSA for a PFX with an EC key and certificate", async () => {
      const ec = await issueEcCertificate();
      writeFileSync(file("ec.key"), ec.keyPem);
      writeFileSync(file("ec.crt"), ec.certPem);
      run("pkcs12", "-export", "-inkey", "ec.key", "-in", "ec.crt", "-passout", "pass:", "-out", "ec.pfx");

      const error = await credentialRejectionOf(() => pkcs12(readFileSync(file("ec.pfx"))));

      expect(error.code).toBe("CERTIFICATE_KEY_NOT_RSA");
      expect(error.message).toContain(`${source} has a EC P-256 key; Entra ID accepts only RSA keys`);
    });
  },
);
