import { ensureDevCa } from "./devCa.js";
import { issueCertificate } from "./issueCertificate.js";
import { recordSecret } from "../secrets/recordSecret.js";

/** TLS material for a local stand-in: a leaf for loopback names signed by the dev CA, chain included. */
export async function issueServerTls(): Promise<{ cert: string; key: string }> {
  const ca = await ensureDevCa();
  recordSecret("dev-ca-key", ca.keyPem);
  const leaf = await issueCertificate({
    subject: "CN=localhost",
    issuer: ca,
    hosts: ["localhost", "127.0.0.1", "::1"],
    validDays: 30,
  });
  recordSecret("tls-key", leaf.keyPem);
  return { cert: leaf.certPem + ca.certPem, key: leaf.keyPem };
}
