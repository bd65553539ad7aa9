import { mkdir, readFile, writeFile } from "node:fs/promises";
import { X509Certificate } from "node:crypto";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { issueCertificate } from "./issueCertificate.js";

/** Where the dev CA lives: generated on first use, git-ignored, trusted through NODE_EXTRA_CA_CERTS. */
export const devPkiDir = resolve(dirname(fileURLToPath(import.meta.url)), "../../.dev/pki");
export const devCaCertPath = join(devPkiDir, "ca.pem");
const devCaKeyPath = join(devPkiDir, "ca-key.pem");

export interface DevCa {
  certPem: string;
  keyPem: string;
}

const RENEW_WITHIN_MS = 30 * 86_400_000;

/** Loads the dev CA, creating it (or replacing one that expires within 30 days) when needed. */
export async function ensureDevCa(): Promise<DevCa> {
  try {
    const [certPem, keyPem] = await Promise.all([
      readFile(devCaCertPath, "utf8"),
      readFile(devCaKeyPath, "utf8"),
    ]);
    if (new X509Certificate(certPem).validToDate.getTime() - Date.now() > RENEW_WITHIN_MS) {
      return { certPem, keyPem };
    }
  } catch {
    // Not created yet: fall through and create it.
  }
  const ca = await issueCertificate({ subject: "CN=m2m-functions dev CA", isCa: true, validDays: 825 });
  await mkdir(devPkiDir, { recursive: true });
  await writeFile(devCaKeyPath, ca.keyPem, { mode: 0o600 });
  await writeFile(devCaCertPath, ca.certPem);
  return { certPem: ca.certPem, keyPem: ca.keyPem };
}
