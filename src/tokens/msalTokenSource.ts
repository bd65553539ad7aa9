import type { AuthenticationResult, ConfidentialClientApplication } from "@azure/msal-node";
import type { Clock } from "../clock/Clock.js";
import type { Config } from "../config/Config.js";
import type { AppCredential, CredentialProvider } from "../credentials/AppCredential.js";
import { M2mError, TokenError, TransientError } from "../errors.js";
import type { Logger } from "../logging/Logger.js";
import { createMsalClient } from "./createMsalClient.js";
import { explainAadsts, parseAadsts } from "./explainAadsts.js";
import type { AccessToken, TokenSource } from "./TokenSource.js";

/**
 * Client credentials through MSAL Node. One ConfidentialClientApplication per credential version, kept for the
 * life of the process: a warm instance answers from MSAL's cache (no request) while the token has more than
 * 5 minutes left. When Entra ID rejects the certificate, the credential is reloaded once (a new version may be
 * in Key Vault) and the request retried with a new client.
 */
export function msalTokenSource(options: {
  config: Pick<Config, "clientId" | "tenantId" | "authorityHost" | "authority" | "scope">;
  credentials: CredentialProvider;
  logger: Logger;
  clock: Clock;
}): TokenSource {
  const { config, credentials, logger, clock } = options;
  let client: { credentialId: string; app: ConfidentialClientApplication } | null = null;

  const clientFor = (credential: AppCredential): ConfidentialClientApplication => {
    if (client?.credentialId !== credential.id) {
      client = {
        credentialId: credential.id,
        app: createMsalClient(config, credential.auth, logger),
      };
    }
    return client.app;
  };

  const acquire = async (credential: AppCredential, scope: string, forceRefresh: boolean) => {
    const result: AuthenticationResult | null = await clientFor(credential).acquireTokenByClientCredential({
      scopes: [scope],
      skipCache: forceRefresh,
    });
    if (!result?.accessToken) {
      throw new TokenError("TOKEN_EMPTY", `MSAL returned no access token for ${scope}`);
    }
    return result;
  };

  return {
    async getToken(request = {}) {
      const scope = request.scope ?? config.scope;
      const started = clock().getTime();
      let credential = await credentials.current();
      let result: AuthenticationResult;
      try {
        result = await acquire(credential, scope, request.forceRefresh ?? false);
      } catch (error) {
        const aadsts = aadstsOf(error);
        const explanation = aadsts === undefined ? undefined : explainAadsts(aadsts, { ...config, scope });
        if (!explanation?.certificateProblem || credential.certificate === null) {
          throw toTokenError(error, scope, config);
        }
        logger.warn("Entra ID rejected the certificate; reloading it and retrying once", {
          aadsts,
          code: explanation.code,
          credential: credential.id,
        });
        credential = await credentials.reload(`Entra ID answered AADSTS${aadsts}`);
        client = null; // a new client builds a new assertion, even when the certificate is the same
        try {
          result = await acquire(credential, scope, true);
        } catch (retryError) {
          throw toTokenError(retryError, scope, config);
        }
      }
      const token: AccessToken = {
        token: result.accessToken,
        expiresOn: result.expiresOn ?? new Date(clock().getTime() + 3_600_000),
        scope,
        fromCache: result.fromCache,
        credentialId: credential.id,
      };
      logger.info("Access token acquired", {
        scope,
        fromCache: token.fromCache,
        expiresOn: token.expiresOn.toISOString(),
        credential: credential.id,
        durationMs: clock().getTime() - started,
      });
      return token;
    },
  };
}

function aadstsOf(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const message = (error as { errorMessage?: string }).errorMessage ?? error.message;
  return parseAadsts(message);
}

/** Entra's description without the trace/correlation lines, which change on every call. */
function entraDescription(error: Error): string {
  const message = (error as { errorMessage?: string }).errorMessage ?? error.message;
  return message.split(/\s*Trace ID:/)[0]!.trim();
}

function toTokenError(error: unknown, scope: string, config: { clientId: string; tenantId: string }): Error {
  if (error instanceof M2mError) return error;
  if (!(error instanceof Error)) return new TokenError("TOKEN_REQUEST_FAILED", String(error));
  const aadsts = aadstsOf(error);
  if (aadsts !== undefined) {
    const explanation = explainAadsts(aadsts, { ...config, scope });
    return new TokenError(
      explanation.code,
      `AADSTS${aadsts}: ${explanation.cause}. Fix: ${explanation.fix}. (Entra ID said: ${entraDescription(error)})`,
      { aadsts, retryable: explanation.retryable, cause: error },
    );
  }
  const code = (error as { errorCode?: string }).errorCode ?? "";
  if (/network|timeout|ECONN|ENOTFOUND|fetch failed/i.test(`${code} ${error.message}`)) {
    return new TransientError(
      "TOKEN_ENDPOINT_UNREACHABLE",
      `Could not reach the Entra ID token endpoint for ${scope}: ${error.message}. Check M2M_AUTHORITY_HOST and outbound network access.`,
      { cause: error },
    );
  }
  return new TokenError("TOKEN_REQUEST_FAILED", `Token request for ${scope} failed: ${error.message}`, {
    cause: error,
  });
}
