import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { X509Certificate } from "node:crypto";
import { parseCertificateMaterial } from "../../credentials/certificate/parseCertificateMaterial.js";
import { CredentialError, M2mError } from "../../errors.js";
import type { CliIo } from "../CliIo.js";
import { createSelfSignedCertificate } from "../cert/createSelfSignedCertificate.js";
import type { SubjectAttribute } from "../cert/parseSubject.js";
import { toPkcs12 } from "../cert/toPkcs12.js";
import { certificateSummary } from "./certificateSummary.js";

export interface CertificateFilesRequest {
  /** The files' path without extension: `certs/m2m` gives certs/m2m.pem, .cer and .pfx. */
  out: string;
  subject: readonly SubjectAttribute[];
  notBefore: Date;
  notAfter: Date;
  keyBits: number;
  /** Also write a PFX protected by this password (read from an environment variable, never from argv). */
  pfxPassword: string | null;
  force: boolean;
  dryRun: boolean;
}

/** The paths of a certificate's files, by what they hold. */
export function certificateFilePaths(out: string, withPfx: boolean) {
  return { pem: `${out}.pem`, cer: `${out}.cer`, pfx: withPfx ? `${out}.pfx` : null };
}

/**
 * `m2m cert create --out`: the tutorial's openssl steps without openssl. Writes `<out>.pem` (PKCS#8 key and
 * certificate: the app's certificate-file mode reads it), `<out>.cer` (DER: what the portal uploads) and, with a
 * password, `<out>.pfx` (see toPkcs12); the key files are created readable by their owner only (0600).
 *
 * Idempotent: when `<out>.pem` exists the certificate in it is reported and nothing is written. Files are created
 * exclusively, so a file that appeared meanwhile is never overwritten; `force` replaces them all. Another output file
 * without the PEM is not a certificate this command made: CLI_OUTPUT_EXISTS (unless `force`). Returns the DER of the
 * certificate (null in a dry run that would create one).
 */
export async function createCertificateFiles(
  request: CertificateFilesRequest,
  io: CliIo,
): Promise<Buffer | null> {
  const paths = certificateFilePaths(request.out, request.pfxPassword !== null);
  if (!request.force && existsSync(paths.pem)) {
    const der = await existingCertificate(paths.pem);
    io.out(`cert create: already there: ${paths.pem} (nothing written; --force replaces it)`);
    io.out(certificateSummary(der).lines.join("\n"));
    return der;
  }
  const present = [paths.cer, paths.pfx].filter((path): path is string => path !== null && existsSync(path));
  if (!request.force && present.length > 0) {
    throw new M2mError(
      "CLI_OUTPUT_EXISTS",
      `${present.join(" and ")} ${present.length === 1 ? "exists" : "exist"} without ${paths.pem}: not a certificate m2m cert create wrote. Choose another --out, or pass --force to replace ${present.length === 1 ? "it" : "them"}.`,
    );
  }
  const files = [
    `${paths.pem} (private key and certificate: keep it secret)`,
    `${paths.cer} (certificate only: upload this one)`,
    ...(paths.pfx ? [`${paths.pfx} (PKCS#12, password-protected)`] : []),
  ];
  if (request.dryRun) {
    io.out(`cert create: would write ${files.join(", ")}; nothing is sent anywhere`);
    return null;
  }
  const created = await createSelfSignedCertificate({
    subject: request.subject,
    notBefore: request.notBefore,
    notAfter: request.notAfter,
    keyBits: request.keyBits,
  });
  const flag = request.force ? "w" : "wx";
  await writeFile(paths.pem, `${created.keyPem}${created.certPem}`, { mode: 0o600, flag });
  await writeFile(paths.cer, created.der, { mode: 0o644, flag });
  if (paths.pfx && request.pfxPassword !== null) {
    const friendlyName = request.subject.find((a) => a.shortName === "CN")?.value ?? "m2m";
    await writeFile(paths.pfx, toPkcs12(created.keyPem, created.certPem, request.pfxPassword, friendlyName), {
      mode: 0o600,
      flag,
    });
  }
  io.out(`cert create: created: ${files.join(", ")}`);
  io.out(certificateSummary(created.der).lines.join("\n"));
  return created.der;
}

/** The certificate in an existing PEM, read as the app's certificate-file mode reads it. */
async function existingCertificate(path: string): Promise<Buffer> {
  try {
    const credential = await parseCertificateMaterial(
      { kind: "pem", text: await readFile(path, "utf8") },
      path,
    );
    return new X509Certificate(credential.chainPems[0]!).raw;
  } catch (error) {
    if (!(error instanceof CredentialError)) throw error;
    throw new M2mError(
      "CLI_OUTPUT_EXISTS",
      `${path} exists and is not a key with its certificate (${error.message}). Choose another --out, or pass --force to replace it.`,
      { cause: error },
    );
  }
}
