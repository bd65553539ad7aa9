import { systemClock, type Clock } from "../clock/Clock.js";
import { createDeadline, type Deadline } from "../clock/Deadline.js";
import { sleep } from "../clock/sleep.js";
import type { Config } from "../config/Config.js";
import { msalCertificateAuth } from "../credentials/msalCertificateAuth.js";
import type { CertificateSigner } from "../credentials/signing/CertificateSigner.js";
import { TokenError } from "../errors.js";
import { createMsalClient } from "./createMsalClient.js";
import { fetchNetworkClient } from "./fetchNetworkClient.js";
import { DEFAULT_TOKEN_BUDGET_MS, TOKEN_REQUEST_TIMEOUT_MS } from "./msalTokenSource.js";
import { retryTokenRequest } from "./retryTokenRequest.js";

/**
 * Proves Entra ID accepts a certificate (its key signing here or in Key Vault): a token request through a new MSAL
 * client (no shared cache), before the
 * token path switches to it. Transient failures are retried within `deadline` as on the token path. Throws a
 * TokenError when it is refused or cannot be checked, its message prefixed with the certificate's source.
 */
export async function acquireWithCertificate(
  config: Pick<
    Config,
    "clientId" | "tenantId" | "authorityHost" | "authority" | "scope" | "thumbprintAlgorithm" | "sendX5c"
  >,
  signer: CertificateSigner,
  options: { deadline?: Deadline; clock?: Clock } = {},
): Promise<void> {
  const clock = options.clock ?? systemClock;
  const { certificate } = signer;
  const client = createMsalClient(config, msalCertificateAuth(signer, config, clock), {
    networkClient: fetchNetworkClient({ clock, requestTimeoutMs: TOKEN_REQUEST_TIMEOUT_MS }),
  });
  try {
    const result = await retryTokenRequest({
      send: () => client.acquireTokenByClientCredential({ scopes: [config.scope], skipCache: true }),
      context: config,
      deadline: options.deadline ?? createDeadline({ budgetMs: DEFAULT_TOKEN_BUDGET_MS, clock }),
      sleep,
      random: Math.random,
    });
    if (!result?.accessToken) {
      throw new TokenError(
        "TOKEN_EMPTY",
        `MSAL returned no access token for ${config.scope}. Report it as a bug if it repeats: Entra ID answered without one.`,
      );
    }
  } catch (error) {
    if (!(error instanceof TokenError)) throw error;
    const prefix =
      error.aadsts === undefined
        ? `Could not check ${certificate.source} with Entra ID`
        : `Entra ID did not accept ${certificate.source}`;
    throw new TokenError(error.code, `${prefix}: ${error.message}`, {
      ...(error.aadsts === undefined ? {} : { aadsts: error.aadsts }),
      retryable: error.retryable,
      cause: error.cause,
    });
  }
}
