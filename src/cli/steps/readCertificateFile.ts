import { readFile } from "node:fs/promises";
import { X509Certificate } from "node:crypto";
import { M2mError } from "../../errors.js";

const CERTIFICATE_PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/**
 * The certificate (DER) in a file people upload to the portal: a `.cer`/`.crt` in DER or PEM, or the `.pem` of
 * `m2m cert create` (key and certificate: the first certificate is taken, the key is never read). Throws
 * CERTIFICATE_FILE_UNREADABLE for a missing file, CERTIFICATE_UNREADABLE for one that holds no certificate.
 */
export async function readCertificateFile(path: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new M2mError(
      "CERTIFICATE_FILE_UNREADABLE",
      `Cannot read --cert ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`,
      { cause: error },
    );
  }
  const pem = CERTIFICATE_PEM.exec(bytes.toString("latin1"))?.[0];
  try {
    return new X509Certificate(pem ?? bytes).raw;
  } catch (error) {
    throw new M2mError(
      "CERTIFICATE_UNREADABLE",
      `--cert ${path} holds no X.509 certificate (expected a .cer in DER or PEM, or the .pem of m2m cert create).`,
      { cause: error },
    );
  }
}
