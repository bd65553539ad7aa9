import { beforeAll, describe, expect, it } from "vitest";
import type { CertificateCredential } from "../../../src/credentials/certificate/CertificateCredential.js";
import { describeCertificate } from "../../../src/credentials/certificate/describeCertificate.js";
import { parseCertificateMaterial } from "../../../src/credentials/certificate/parseCertificateMaterial.js";
import { certificateFixtures, pemBody, type CertificateFixtures } from "./fixtures.js";

const source = "Key Vault certificate 'app-cert' version 3f2a9c in https://kv-m2m.vault.azure.net";
let f: CertificateFixtures;
let credential: CertificateCredential;

beforeAll(async () => {
  f = await certificateFixtures();
  credential = await parseCertificateMaterial(
    { kind: "pem", text: f.leaf.keyPem + f.leaf.certPem + f.intermediate.certPem },
    source,
  );
});

describe("describeCertificate", () => {
  it("summarises source, names, thumbprints, validity and days left", () => {
    expect(describeCertificate(credential, new Date("2034-12-01T12:00:00.000Z"))).toEqual({
      source,
      subject: "CN=m2m-client, O=Contoso",
      issuer: "CN=m2m test intermediate",
      serialNumber: credential.serialNumber,
      thumbprintSha1: f.leaf.thumbprintSha1,
      thumbprintSha256: f.leaf.thumbprintSha256,
      notBefore: "2025-01-01T00:00:00.000Z",
      notAfter: "2035-01-01T00:00:00.000Z",
      daysLeft: 31, // 30.5 days: a part day counts, as in the alerts
      keyBits: 2048,
      chainLength: 2,
    });
  });

  it.each([
    ["a day before notAfter", "2034-12-31T00:00:00.000Z", 1],
    ["less than a day before notAfter", "2034-12-31T00:00:00.001Z", 1],
    ["exactly at notAfter", "2035-01-01T00:00:00.000Z", 0],
    ["just after notAfter", "2035-01-01T00:00:00.001Z", 0],
    ["a full day after notAfter", "2035-01-02T00:00:00.000Z", -1],
  ])("counts days left as the alerts do, a part day as a day: %s", (_, now, daysLeft) => {
    expect(describeCertificate(credential, new Date(now)).daysLeft).toBe(daysLeft);
  });

  it("holds no key material", () => {
    const logged = JSON.stringify(describeCertificate(credential, new Date()));

    expect(logged).not.toContain(pemBody(f.leaf.keyPem).slice(0, 64));
    expect(logged).not.toContain("PRIVATE KEY");
  });
});
