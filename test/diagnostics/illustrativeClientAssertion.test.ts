import { beforeAll, describe, expect, it } from "vitest";
import { issueCertificate, type IssuedCertificate } from "../../dev/pki/issueCertificate.js";
import { parseCertificateMaterial } from "../../src/credentials/certificate/parseCertificateMaterial.js";
import type { CertificateSigner } from "../../src/credentials/signing/CertificateSigner.js";
import { localSigner } from "../../src/credentials/signing/localSigner.js";
import { illustrativeClientAssertion } from "../../src/diagnostics/illustrativeClientAssertion.js";

const ENDPOINT = "https://login.example/tenant/oauth2/v2.0/token";
const CLIENT = "11111111-2222-4333-8444-555555555555";

let issued: IssuedCertificate;
let signs: number;
let signer: CertificateSigner;
beforeAll(async () => {
  issued = await issueCertificate({ subject: "CN=explain" });
  const local = localSigner(
    await parseCertificateMaterial({ kind: "pem", text: issued.keyPem + issued.certPem }, "test"),
  );
  signs = 0;
  // Key Vault's signer, counting: showing an assertion must never ask the vault to sign.
  signer = {
    where: "vault",
    certificate: local.certificate,
    keyId: "https://kv.example/keys/app/1",
    sign: (algorithm, input) => {
      signs += 1;
      return local.sign(algorithm, input);
    },
  };
});

const claims = (thumbprint: "sha256" | "sha1", sendX5c: boolean) => ({
  clientId: CLIENT,
  audience: ENDPOINT,
  thumbprint,
  sendX5c,
  now: new Date(1_800_000_000_000),
  jti: "6f1c2d9e-0000-4000-8000-000000000001",
});

describe("illustrativeClientAssertion", () => {
  it("has the header and claims of the real assertion, and nothing signs it", async () => {
    const shown = await illustrativeClientAssertion(signer, claims("sha256", false));
    expect(shown).toEqual({
      header: {
        alg: "PS256",
        typ: "JWT",
        "x5t#S256": Buffer.from(issued.thumbprintSha256, "hex").toString("base64url"),
      },
      claims: {
        aud: ENDPOINT,
        iss: CLIENT,
        sub: CLIENT,
        jti: "6f1c2d9e-0000-4000-8000-000000000001",
        nbf: 1_800_000_000,
        iat: 1_800_000_000,
        exp: 1_800_000_600,
      },
    });
    expect(signs).toBe(0);
  });

  it("follows the SHA-1 thumbprint (RS256, x5t) and the chain setting as the token path does", async () => {
    const shown = await illustrativeClientAssertion(signer, claims("sha1", true));
    expect(shown.header).toEqual({
      alg: "RS256",
      typ: "JWT",
      x5t: Buffer.from(signer.certificate.thumbprintSha1, "hex").toString("base64url"),
      x5c: [expect.stringMatching(/^MII/) as unknown],
    });
    expect(signs).toBe(0);
  });
});
