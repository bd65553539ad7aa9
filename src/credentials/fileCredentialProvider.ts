import { readFile } from "node:fs/promises";
import type { Clock } from "../clock/Clock.js";
import type { Config } from "../config/Config.js";
import { CredentialError } from "../errors.js";
import type { Logger } from "../logging/Logger.js";
import type { AppCredential, CredentialProvider } from "./AppCredential.js";
import { checkCertificateCredential } from "./certificate/checkCertificateCredential.js";
import { parseCertificateMaterial } from "./certificate/parseCertificateMaterial.js";
import { localSigner } from "./signing/localSigner.js";
import { certificateCredential } from "./certificateCredential.js";

/** A certificate from a PEM or PFX file (local development). Read once; read again on reload(). */
export function fileCredentialProvider(options: {
  path: string;
  password: string | null;
  msal: Pick<Config, "thumbprintAlgorithm" | "sendX5c">;
  clock: Clock;
  logger: Logger;
}): CredentialProvider {
  let loaded: Promise<AppCredential> | null = null;
  const load = async (reason: string): Promise<AppCredential> => {
    const source = `certificate file ${options.path}`;
    let bytes: Buffer;
    try {
      bytes = await readFile(options.path);
    } catch (error) {
      throw new CredentialError(
        "CERTIFICATE_FILE_UNREADABLE",
        `Cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? String(error)}. Check M2M_CERTIFICATE_PATH.`,
        { cause: error },
      );
    }
    const password = options.password ?? undefined;
    const text = bytes.toString("utf8");
    const certificate = text.includes("-----BEGIN ")
      ? await parseCertificateMaterial({ kind: "pem", text, password }, source)
      : await parseCertificateMaterial({ kind: "pkcs12", der: bytes, password }, source);
    checkCertificateCredential(certificate, options.clock());
    const credential = certificateCredential(
      "certificate-file",
      localSigner(certificate),
      options.msal,
      { path: options.path },
      options.clock,
    );
    options.logger.info("Certificate loaded", { ...credential.summary, reason });
    return credential;
  };
  const start = (reason: string) => {
    const attempt = load(reason);
    loaded = attempt;
    attempt.catch(() => {
      if (loaded === attempt) loaded = null;
    });
    return attempt;
  };
  return {
    current: () => loaded ?? start("first use"),
    reload: (reason) => start(reason),
  };
}
