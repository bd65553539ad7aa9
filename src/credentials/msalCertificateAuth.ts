import type { NodeAuthOptions } from "@azure/msal-node";
import type { Clock } from "../clock/Clock.js";
import type { Config } from "../config/Config.js";
import { vaultClientAssertion } from "../tokens/vaultClientAssertion.js";
import { toMsalClientCertificate } from "./certificate/toMsalClientCertificate.js";
import type { CertificateSigner } from "./signing/CertificateSigner.js";

/**
 * MSAL's credential option for a certificate: a key in this process goes to MSAL, which signs its own assertions
 * (`clientCertificate`); a key in Key Vault stays there and MSAL gets an assertion callback that has Key Vault sign
 * (`clientAssertion`, see vaultClientAssertion). Holds the private key for a local signer: never log it.
 */
export function msalCertificateAuth(
  signer: CertificateSigner,
  config: Pick<Config, "thumbprintAlgorithm" | "sendX5c">,
  clock: Clock,
): Pick<NodeAuthOptions, "clientCertificate" | "clientAssertion"> {
  if (signer.where === "vault") return { clientAssertion: vaultClientAssertion(signer, config, clock) };
  return {
    clientCertificate: toMsalClientCertificate(signer.certificate, {
      thumbprint: config.thumbprintAlgorithm,
      sendX5c: config.sendX5c,
    }),
  };
}
