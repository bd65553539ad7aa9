import type { Config } from "../config/Config.js";
import type { CertificateCredential } from "../credentials/certificate/CertificateCredential.js";
import { toMsalClientCertificate } from "../credentials/certificate/toMsalClientCertificate.js";
import { TokenError } from "../errors.js";
import { createMsalClient } from "./createMsalClient.js";
import { explainAadsts, parseAadsts } from "./explainAadsts.js";

/**
 * Proves Entra ID accepts a certificate: a token request through a new MSAL client (no shared cache), before the
 * token path switches to it. Throws TokenError with the AADSTS explanation when it is refused.
 */
export async function acquireWithCertificate(
  config: Pick<
    Config,
    "clientId" | "tenantId" | "authorityHost" | "authority" | "scope" | "thumbprintAlgorithm" | "sendX5c"
  >,
  certificate: CertificateCredential,
): Promise<void> {
  const client = createMsalClient(config, {
    clientCertificate: toMsalClientCertificate(certificate, {
      thumbprint: config.thumbprintAlgorithm,
      sendX5c: config.sendX5c,
    }),
  });
  try {
    const result = await client.acquireTokenByClientCredential({ scopes: [config.scope], skipCache: true });
    if (!result?.accessToken) throw new Error("MSAL returned no access token");
  } catch (error) {
    const message =
      (error as { errorMessage?: string }).errorMessage ??
      (error instanceof Error ? error.message : String(error));
    const aadsts = parseAadsts(message);
    const explanation = aadsts === undefined ? undefined : explainAadsts(aadsts, config);
    throw new TokenError(
      explanation?.code ?? "TOKEN_REQUEST_FAILED",
      `Entra ID did not accept ${certificate.source}${explanation ? ` (AADSTS${aadsts}: ${explanation.cause})` : ""}: ${message.split(/\s*Trace ID:/)[0]}`,
      { ...(aadsts === undefined ? {} : { aadsts }), cause: error },
    );
  }
}
