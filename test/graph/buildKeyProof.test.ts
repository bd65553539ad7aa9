import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { issueCertificate } from "../../dev/pki/issueCertificate.js";
import { decodeJwt, verifySignature } from "../../dev/jwt.js";
import { parseCertificateMaterial } from "../../src/credentials/certificate/parseCertificateMaterial.js";
import { buildKeyProof, KEY_PROOF_AUDIENCE } from "../../src/graph/buildKeyProof.js";

describe("buildKeyProof", () => {
  it("signs RS256 with the current certificate: iss = object id, Graph's audience, at most 10 minutes", async () => {
    const issued = await issueCertificate({ subject: "CN=current" });
    const signer = parseCertificateMaterial(
      { kind: "pem", text: issued.keyPem + issued.certPem },
      "test certificate",
    );
    const now = new Date("2026-11-21T10:00:00Z");
    const proof = buildKeyProof(signer, "0a1b2c3d-2222-4222-8333-944455556666", now);

    const decoded = decodeJwt(proof);
    expect(decoded.header).toEqual({
      alg: "RS256",
      typ: "JWT",
      x5t: Buffer.from(issued.thumbprintSha1, "hex").toString("base64url"),
    });
    expect(decoded.claims).toMatchObject({
      aud: KEY_PROOF_AUDIENCE,
      iss: "0a1b2c3d-2222-4222-8333-944455556666",
      nbf: now.getTime() / 1000 - 60,
      exp: now.getTime() / 1000 - 60 + 600,
    });
    expect(typeof decoded.claims.jti).toBe("string");
    expect(verifySignature(decoded, new X509Certificate(issued.certPem).publicKey)).toBe(true);
  });
});
