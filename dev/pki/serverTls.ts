import { ensureDevCa } from "./devCa.js";
import { issueCertificate } from "./issueCertificate.js";

/** TLS material for a local stand-in: a leaf for loopback names signed by the dev CA, chain included. */
export async function issueServerTls(): Promise<{ cert: string; key: string }> {
  const ca = await ensureDevCa();
  const leaf = await issueCertificate({
    subject: "CN=localhost",
    issuer: ca,
    hosts: ["localhost", "127.0.0.1", "::1"],
    validDays: 30,
  });
  return { cert: leaf.certPem + ca.certPem, key: leaf.keyPem };
}
