import { X509Certificate } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { issueCertificate, type IssuedCertificate } from "../../dev/pki/issueCertificate.js";
import { decodeJwt, verifySignature } from "../../dev/jwt.js";
import { parseCertificateMaterial } from "../../src/credentials/certificate/parseCertificateMaterial.js";
import type {
  CertificateSigner,
  JwsAlgorithm,
  SignCall,
} from "../../src/credentials/signing/CertificateSigner.js";
import { localSigner } from "../../src/credentials/signing/localSigner.js";
import { buildKeyProof } from "../../src/graph/buildKeyProof.js";
import { createDeadline } from "../../src/clock/Deadline.js";

const OBJECT_ID = "0a1b2c3d-2222-4222-8333-944455556666";
const NOW = new Date("2026-11-21T10:00:00Z");
const NOW_SECONDS = 1_795_255_200;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("buildKeyProof", () => {
  let ca: IssuedCertificate;
  let current: IssuedCertificate;
  let signer: CertificateSigner;

  beforeAll(async () => {
    ca = await issueCertificate({ subject: "CN=issuing CA", isCa: true });
    current = await issueCertificate({ subject: "CN=current", issuer: ca });
    signer = localSigner(
      await parseCertificateMaterial(
        { kind: "pem", text: current.keyPem + current.certPem + ca.certPem },
        "test certificate",
      ),
    );
  });

  it("names the signing certificate in the header: RS256, JWT, x5t = base64url of the leaf's SHA-1", async () => {
    expect(decodeJwt(await buildKeyProof(signer, OBJECT_ID, NOW)).header).toEqual({
      alg: "RS256",
      typ: "JWT",
      x5t: Buffer.from(current.thumbprintSha1, "hex").toString("base64url"),
    });
  });

  it("claims Graph's audience, the application's object id as issuer and 10 minutes from a minute before now", async () => {
    expect(decodeJwt(await buildKeyProof(signer, OBJECT_ID, NOW)).claims).toEqual({
      aud: "00000002-0000-0000-c000-000000000000",
      iss: OBJECT_ID,
      nbf: NOW_SECONDS - 60,
      exp: NOW_SECONDS - 60 + 600,
      jti: expect.stringMatching(UUID) as unknown,
    });
  });

  it("counts nbf and exp in whole seconds, rounding now down", async () => {
    const { claims } = decodeJwt(
      await buildKeyProof(signer, OBJECT_ID, new Date("2026-11-21T10:00:00.999Z")),
    );
    expect([claims.nbf, claims.exp]).toEqual([NOW_SECONDS - 60, NOW_SECONDS - 60 + 600]);
  });

  it("gives every proof its own jti", async () => {
    const first = decodeJwt(await buildKeyProof(signer, OBJECT_ID, NOW)).claims.jti;
    const second = decodeJwt(await buildKeyProof(signer, OBJECT_ID, NOW)).claims.jti;
    expect(first).not.toBe(second);
  });

  it("is signed by the signer: the key of the current certificate", async () => {
    const decoded = decodeJwt(await buildKeyProof(signer, OBJECT_ID, NOW));
    expect(verifySignature(decoded, new X509Certificate(current.certPem).publicKey)).toBe(true);
    expect(verifySignature(decoded, new X509Certificate(ca.certPem).publicKey)).toBe(false);
  });

  it("asks the signer for a key proof, within the caller's deadline (a vault signer counts and bounds it)", async () => {
    const calls: unknown[] = [];
    const recording: CertificateSigner = {
      ...signer,
      sign: (algorithm: JwsAlgorithm, input: Buffer, call: SignCall) => {
        calls.push({ algorithm, call });
        return signer.sign(algorithm, input, call);
      },
    };
    const deadline = createDeadline({ budgetMs: 5_000, clock: () => NOW });
    await buildKeyProof(recording, OBJECT_ID, NOW, deadline);
    expect(calls).toEqual([{ algorithm: "RS256", call: { purpose: "key-proof", deadline } }]);
  });

  it("refuses a credential without a certificate, naming its source", async () => {
    const withoutChain: CertificateSigner = {
      ...signer,
      where: "vault",
      keyId: "https://kv/keys/app/1",
      certificate: { ...signer.certificate, chainPems: [] },
    };
    await expect(buildKeyProof(withoutChain, OBJECT_ID, NOW)).rejects.toThrow(
      new Error("test certificate has no certificate to sign a key proof with"),
    );
  });
});
