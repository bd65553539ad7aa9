import type { Config } from "../config/Config.js";
import type { AppCredential } from "./AppCredential.js";
import type { CertificateCredential } from "./certificate/CertificateCredential.js";
import { describeCertificate } from "./certificate/describeCertificate.js";
import { toMsalClientCertificate } from "./certificate/toMsalClientCertificate.js";

/** Wraps a parsed, checked certificate as the app's credential for MSAL. */
export function certificateCredential(
  kind: "keyvault-certificate" | "certificate-file",
  certificate: CertificateCredential,
  options: Pick<Config, "thumbprintAlgorithm" | "sendX5c">,
  extra: Record<string, unknown>,
  now: Date,
): AppCredential {
  return {
    id: `${kind}:${certificate.thumbprintSha256}`,
    kind,
    auth: {
      clientCertificate: toMsalClientCertificate(certificate, {
        thumbprint: options.thumbprintAlgorithm,
        sendX5c: options.sendX5c,
      }),
    },
    certificate,
    summary: { kind, ...extra, ...describeCertificate(certificate, now) },
  };
}
