import type { Clock } from "../clock/Clock.js";
import type { Config } from "../config/Config.js";
import type { AppCredential } from "./AppCredential.js";
import { describeCertificate } from "./certificate/describeCertificate.js";
import { msalCertificateAuth } from "./msalCertificateAuth.js";
import type { CertificateSigner } from "./signing/CertificateSigner.js";

/** Wraps a parsed, checked certificate and where its key signs as the app's credential for MSAL. */
export function certificateCredential(
  kind: "keyvault-certificate" | "certificate-file",
  signer: CertificateSigner,
  options: Pick<Config, "thumbprintAlgorithm" | "sendX5c">,
  extra: Record<string, unknown>,
  clock: Clock,
): AppCredential {
  const { certificate } = signer;
  return {
    id: `${kind}:${certificate.thumbprintSha256}`,
    kind,
    auth: msalCertificateAuth(signer, options, clock),
    certificate,
    signer,
    summary: { kind, ...extra, signing: signer.where, ...describeCertificate(certificate, clock()) },
  };
}
