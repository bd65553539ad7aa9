import { X509Certificate } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeJwt, verifySignature } from "../../dev/jwt.js";
import { issueCertificate, type IssuedCertificate } from "../../dev/pki/issueCertificate.js";
import type { Deadline } from "../../src/clock/Deadline.js";
import { parseCertificateMaterial } from "../../src/credentials/certificate/parseCertificateMaterial.js";
import type {
  CertificateSigner,
  JwsAlgorithm,
  SignPurpose,
} from "../../src/credentials/signing/CertificateSigner.js";
import { localSigner } from "../../src/credentials/signing/localSigner.js";
import { ASSERTION_REUSE_MARGIN_MS, vaultAssertionSource } from "../../src/tokens/vaultClientAssertion.js";
import { withTokenRequestSignal } from "../../src/tokens/tokenRequestSignal.js";
import { manualClock } from "../support/manualClock.js";

const ENDPOINT = "https://login.example/tenant/oauth2/v2.0/token";
const CLIENT = "11111111-2222-4333-8444-555555555555";

let issued: IssuedCertificate;
beforeAll(async () => {
  issued = await issueCertificate({ subject: "CN=vault key" });
});

/** A signer that signs with a real key, as Key Vault would, counting the signatures and the deadlines it is given. */
async function countingSigner() {
  const local = localSigner(
    await parseCertificateMaterial({ kind: "pem", text: issued.keyPem + issued.certPem }, "test"),
  );
  const calls: { algorithm: JwsAlgorithm; purpose: SignPurpose; deadline: Deadline | undefined }[] = [];
  let failNext = false;
  const signer: CertificateSigner = {
    where: "vault",
    certificate: local.certificate,
    keyId: "https://kv.example/keys/app/1",
    sign: (algorithm, input, { purpose, deadline }) => {
      calls.push({ algorithm, purpose, deadline });
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error("Key Vault said no"));
      }
      return local.sign(algorithm, input);
    },
  };
  return { signer, calls, failOnce: () => (failNext = true) };
}

const options = { thumbprintAlgorithm: "sha256", sendX5c: false } as const;

describe("vaultAssertionSource", () => {
  it("builds MSAL's assertion: PS256 with x5t#S256, aud the token endpoint, iss = sub = client, 10 minutes", async () => {
    const time = manualClock(1_800_000_000_000);
    const { signer, calls } = await countingSigner();
    const jwt = await vaultAssertionSource(
      signer,
      options,
      time.clock,
    )({ clientId: CLIENT, tokenEndpoint: ENDPOINT });
    expect(calls.map((c) => [c.algorithm, c.purpose])).toEqual([["PS256", "client-assertion"]]);
    const decoded = decodeJwt(jwt);
    expect(decoded.header).toEqual({
      alg: "PS256",
      typ: "JWT",
      "x5t#S256": Buffer.from(issued.thumbprintSha256, "hex").toString("base64url"),
    });
    expect(decoded.claims).toEqual({
      aud: ENDPOINT,
      iss: CLIENT,
      sub: CLIENT,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      nbf: 1_800_000_000,
      iat: 1_800_000_000,
      exp: 1_800_000_600,
    });
    expect(verifySignature(decoded, new X509Certificate(issued.certPem).publicKey)).toBe(true);
  });

  it("signs RS256 with x5t under SHA-1 thumbprints, and sends the chain as x5c when asked", async () => {
    const { signer, calls } = await countingSigner();
    const jwt = await vaultAssertionSource(
      signer,
      { thumbprintAlgorithm: "sha1", sendX5c: true },
      manualClock().clock,
    )({
      clientId: CLIENT,
      tokenEndpoint: ENDPOINT,
    });
    expect(decodeJwt(jwt).header).toEqual({
      alg: "RS256",
      typ: "JWT",
      x5t: Buffer.from(issued.thumbprintSha1, "hex").toString("base64url"),
      x5c: [new X509Certificate(issued.certPem).raw.toString("base64")],
    });
    expect(calls.map((c) => c.algorithm)).toEqual(["RS256"]);
  });

  it("reuses an assertion per endpoint until the margin before it expires, then signs a new one", async () => {
    const time = manualClock();
    const { signer, calls } = await countingSigner();
    const assertion = vaultAssertionSource(signer, options, time.clock);
    const first = await assertion({ clientId: CLIENT, tokenEndpoint: ENDPOINT });
    time.advance(10 * 60_000 - ASSERTION_REUSE_MARGIN_MS - 1_000);
    expect(await assertion({ clientId: CLIENT, tokenEndpoint: ENDPOINT })).toBe(first);
    expect(calls).toHaveLength(1);
    const other = await assertion({ clientId: CLIENT, tokenEndpoint: `${ENDPOINT}/other` });
    expect(other).not.toBe(first);
    expect(calls).toHaveLength(2);
    time.advance(1_000);
    const renewed = await assertion({ clientId: CLIENT, tokenEndpoint: ENDPOINT });
    expect(renewed).not.toBe(first);
    expect(calls).toHaveLength(3);
  });

  it("shares one signature between concurrent token requests", async () => {
    const { signer, calls } = await countingSigner();
    const assertion = vaultAssertionSource(signer, options, manualClock().clock);
    const [a, b] = await Promise.all([
      assertion({ clientId: CLIENT, tokenEndpoint: ENDPOINT }),
      assertion({ clientId: CLIENT, tokenEndpoint: ENDPOINT }),
    ]);
    expect(a).toBe(b);
    expect(calls).toHaveLength(1);
  });

  it("keeps no failed signature: the next request signs again", async () => {
    const { signer, calls, failOnce } = await countingSigner();
    const assertion = vaultAssertionSource(signer, options, manualClock().clock);
    failOnce();
    await expect(assertion({ clientId: CLIENT, tokenEndpoint: ENDPOINT })).rejects.toThrow(
      "Key Vault said no",
    );
    await expect(assertion({ clientId: CLIENT, tokenEndpoint: ENDPOINT })).resolves.toMatch(/^eyJ/);
    expect(calls).toHaveLength(2);
  });

  it("gives the signature at most half of the token request's time left, and at most the sign budget", async () => {
    const time = manualClock(1_000_000);
    const { signer, calls } = await countingSigner();
    const assertion = vaultAssertionSource(signer, options, time.clock, { signBudgetMs: 5_000 });
    await withTokenRequestSignal(
      new AbortController().signal,
      () => assertion({ clientId: CLIENT, tokenEndpoint: ENDPOINT }),
      () => 3_000,
    );
    await withTokenRequestSignal(
      new AbortController().signal,
      () => assertion({ clientId: CLIENT, tokenEndpoint: `${ENDPOINT}/2` }),
      () => 60_000,
    );
    await assertion({ clientId: CLIENT, tokenEndpoint: `${ENDPOINT}/3` });
    expect(calls.map((c) => c.deadline?.atMs)).toEqual([1_001_500, 1_005_000, 1_005_000]);
  });

  it("refuses a call without the token endpoint, which it needs as the audience", async () => {
    const { signer, calls } = await countingSigner();
    await expect(
      vaultAssertionSource(signer, options, manualClock().clock)({ clientId: CLIENT }),
    ).rejects.toThrow("MSAL asked for a client assertion without the token endpoint (its audience)");
    expect(calls).toEqual([]);
  });
});
