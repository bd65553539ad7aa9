import { constants, createHash, verify, X509Certificate } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { issueCertificate, type IssuedCertificate } from "../../../dev/pki/issueCertificate.js";
import { parseCertificateMaterial } from "../../../src/credentials/certificate/parseCertificateMaterial.js";
import { localSigner } from "../../../src/credentials/signing/localSigner.js";
import { vaultSigner } from "../../../src/credentials/signing/vaultSigner.js";
import type { VaultKeys } from "../../../src/credentials/signing/VaultKeys.js";

let issued: IssuedCertificate;
beforeAll(async () => {
  issued = await issueCertificate({ subject: "CN=signer" });
});
const input = Buffer.from("header.claims");

describe("localSigner", () => {
  it("signs RS256 as RSASSA-PKCS1-v1_5 with SHA-256", async () => {
    const signer = localSigner(
      await parseCertificateMaterial({ kind: "pem", text: issued.keyPem + issued.certPem }, "t"),
    );
    const signature = await signer.sign("RS256", input);
    const key = new X509Certificate(issued.certPem).publicKey;
    expect(verify("sha256", input, { key, padding: constants.RSA_PKCS1_PADDING }, signature)).toBe(true);
    expect(verify("sha256", input, { key, padding: constants.RSA_PKCS1_PSS_PADDING }, signature)).toBe(false);
  });

  it("signs PS256 as RSASSA-PSS with SHA-256 and a 32-byte salt", async () => {
    const signer = localSigner(
      await parseCertificateMaterial({ kind: "pem", text: issued.keyPem + issued.certPem }, "t"),
    );
    const signature = await signer.sign("PS256", input);
    const key = new X509Certificate(issued.certPem).publicKey;
    const pss = { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
    expect(verify("sha256", input, pss, signature)).toBe(true);
    expect(verify("sha256", input, { ...pss, saltLength: 20 }, signature)).toBe(false);
    expect(signer).toMatchObject({ where: "local" });
  });
});

describe("vaultSigner", () => {
  it("sends Key Vault only the SHA-256 digest of the signing input, with the algorithm and key version", async () => {
    const sent: unknown[] = [];
    const keys: VaultKeys = {
      sign: (keyId, algorithm, digest) => {
        sent.push({ keyId, algorithm, digest: digest.toString("hex") });
        return Promise.resolve(Buffer.from("signature"));
      },
    };
    const certificate = await parseCertificateMaterial(
      { kind: "pem", text: issued.keyPem + issued.certPem },
      "t",
    );
    const signer = vaultSigner(certificate, "https://kv/keys/app/v1", keys);
    expect(await signer.sign("PS256", input, { purpose: "client-assertion" })).toEqual(
      Buffer.from("signature"),
    );
    expect(sent).toEqual([
      {
        keyId: "https://kv/keys/app/v1",
        algorithm: "PS256",
        digest: createHash("sha256").update(input).digest("hex"),
      },
    ]);
    expect(signer).toMatchObject({ where: "vault", keyId: "https://kv/keys/app/v1" });
  });
});
