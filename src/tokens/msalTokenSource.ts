import type { AuthenticationResult, ConfidentialClientApplication } from "@azure/msal-node";
import type { Clock } from "../clock/Clock.js";
import { createDeadline } from "../clock/Deadline.js";
import { sleep as realSleep } from "../clock/sleep.js";
import type { Config } from "../config/Config.js";
import type { AppCredential, CredentialProvider } from "../credentials/AppCredential.js";
import { TokenError } from "../errors.js";
import type { Logger } from "../logging/Logger.js";
import type { AppMetrics } from "../telemetry/AppMetrics.js";
import { appMetrics } from "../telemetry/appMeter.js";
import { ATTR } from "../telemetry/attributeNames.js";
import { inSpan, SpanKind } from "../telemetry/tracer.js";
import { createMsalClient } from "./createMsalClient.js";
import { describeTokenFailure } from "./describeTokenFailure.js";
import { fetchNetworkClient } from "./fetchNetworkClient.js";
import { retryTokenRequest, type TokenRetryPolicy } from "./retryTokenRequest.js";
import type { AccessToken, TokenRequest, TokenSource } from "./TokenSource.js";

/** The longest one token request may take, deadline or not (Entra ID answers in well under a second). */
export const TOKEN_REQUEST_TIMEOUT_MS = 15_000;
/** The time a getToken call without a deadline has, retries included. */
export const DEFAULT_TOKEN_BUDGET_MS = 60_000;
/** MSAL treats a cached token as expired this long before it expires (DEFAULT_TOKEN_RENEWAL_OFFSET_SEC). */
const MSAL_RENEWAL_OFFSET_MS = 300_000;

/**
 * Client credentials through MSAL Node. One ConfidentialClientApplication per credential version, kept for the
 * life of the process: a warm instance answers from MSAL's cache (no request) while the token has more than
 * 5 minutes left. A request goes through the token path's network client and retryTokenRequest: bounded by the
 * caller's deadline, transient failures retried. When Entra ID rejects the certificate, the credential is reloaded
 * once (a new version may be in Key Vault) and the request sent again with a new client. When Entra ID fails a
 * proactive refresh (`refresh_in`) transiently, the still-valid token is served, as MSAL itself would.
 *
 * Each getToken is a `token acquire` span (its Key Vault reads and signatures and each token request are children) and
 * one `m2m.token.acquisitions` point by source: "cache", "network", or "none" when it failed.
 */
export function msalTokenSource(options: {
  config: Pick<Config, "clientId" | "tenantId" | "authorityHost" | "authority" | "scope">;
  credentials: CredentialProvider;
  logger: Logger;
  clock: Clock;
  /** Waits between attempts (default: a real timer). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** [0, 1), for backoff jitter (default Math.random). */
  random?: () => number;
  retryPolicy?: TokenRetryPolicy;
  requestTimeoutMs?: number;
  defaultBudgetMs?: number;
  /** Counts acquisitions by source (default: the app's metrics on the registered MeterProvider). */
  metrics?: AppMetrics;
}): TokenSource {
  const { config, credentials, logger, clock } = options;
  const metrics = options.metrics ?? appMetrics();
  // One network client for every MSAL client of this source: a Retry-After outlives a credential change.
  const networkClient = fetchNetworkClient({
    clock,
    requestTimeoutMs: options.requestTimeoutMs ?? TOKEN_REQUEST_TIMEOUT_MS,
  });
  let client: { credentialId: string; app: ConfidentialClientApplication } | null = null;
  // The last token issued per credential and scope: served when Entra ID fails a proactive refresh (below).
  const issued = new Map<string, AuthenticationResult>();

  const clientFor = (credential: AppCredential): ConfidentialClientApplication => {
    if (client?.credentialId !== credential.id) {
      issued.clear();
      client = {
        credentialId: credential.id,
        app: createMsalClient(config, credential.auth, { networkClient, logger }),
      };
    }
    return client.app;
  };

  /**
   * The token last issued for `key` when MSAL would serve it from its cache without a request: more than 5 minutes
   * left, and Entra ID's `refresh_in` (MSAL's refreshOn) not reached. Answering it here spares the warm path MSAL's
   * cache lookup (its logging, correlation and cache key matching cost more than the downstream call's own client).
   */
  const servable = (key: string): AuthenticationResult | null => {
    const last = issued.get(key);
    if (!last?.accessToken || !last.expiresOn) return null;
    const now = clock().getTime();
    if (last.expiresOn.getTime() - now <= MSAL_RENEWAL_OFFSET_MS) return null;
    if (last.refreshOn && last.refreshOn.getTime() <= now) return null;
    return last;
  };

  const acquire = async (credential: AppCredential, scope: string, forceRefresh: boolean) => {
    const key = `${credential.id} ${scope}`;
    let result: AuthenticationResult | null;
    try {
      result = await clientFor(credential).acquireTokenByClientCredential({
        scopes: [scope],
        skipCache: forceRefresh,
      });
    } catch (error) {
      // MSAL serves a cached token without a request until 5 minutes before it expires, unless Entra ID asked for a
      // proactive refresh (`refresh_in`); when that refresh fails transiently, MSAL's own network client would let
      // it keep the cached token, which this network client's thrown failures prevent: serve it here instead.
      const last = issued.get(key);
      const leftMs = (last?.expiresOn?.getTime() ?? 0) - clock().getTime();
      if (!last || forceRefresh || leftMs <= MSAL_RENEWAL_OFFSET_MS) throw error;
      const failure = describeTokenFailure(error, { ...config, scope });
      if (!failure.transient) throw error;
      logger.warn("Entra ID did not refresh the token early; using the cached one, still valid", {
        scope,
        code: failure.code,
        expiresOn: last.expiresOn?.toISOString(),
      });
      return { ...last, fromCache: true };
    }
    if (!result?.accessToken) {
      throw new TokenError(
        "TOKEN_EMPTY",
        `MSAL returned no access token for ${scope}. Report it as a bug if it repeats: Entra ID answered without one.`,
      );
    }
    issued.set(key, result);
    return result;
  };

  const acquireToken = async (request: TokenRequest, scope: string): Promise<AccessToken> => {
    const started = clock().getTime();
    const deadline =
      request.deadline ??
      createDeadline({ budgetMs: options.defaultBudgetMs ?? DEFAULT_TOKEN_BUDGET_MS, clock });
    // Within the call's deadline: a cold start that hangs on Key Vault is reported as Key Vault's.
    let credential = await credentials.current(deadline);
    let reloaded = false;
    const cached = request.forceRefresh ? null : servable(`${credential.id} ${scope}`);
    const result = cached
      ? { ...cached, fromCache: true }
      : await retryTokenRequest({
          send: () => acquire(credential, scope, (request.forceRefresh ?? false) || reloaded),
          context: { ...config, scope },
          deadline,
          sleep: options.sleep ?? realSleep,
          random: options.random ?? Math.random,
          logger,
          ...(options.retryPolicy ? { policy: options.retryPolicy } : {}),
          onCertificateRefused: async (failure) => {
            if (reloaded || credential.certificate === null) return false;
            logger.warn("Entra ID rejected the certificate; reloading it and retrying once", {
              aadsts: failure.aadsts,
              code: failure.code,
              credential: credential.id,
            });
            reloaded = true;
            credential = await credentials.reload(`Entra ID answered AADSTS${failure.aadsts}`, deadline);
            client = null; // a new client builds a new assertion, even when the certificate is the same
            return true;
          },
        });
    const token: AccessToken = {
      token: result.accessToken,
      expiresOn: result.expiresOn ?? new Date(clock().getTime() + 3_600_000),
      scope,
      fromCache: result.fromCache,
      credentialId: credential.id,
    };
    // Most runs are served from the cache: that is detail, not news (Information is kept in production).
    logger[token.fromCache ? "debug" : "info"]("Access token acquired", {
      scope,
      fromCache: token.fromCache,
      expiresOn: token.expiresOn.toISOString(),
      credential: credential.id,
      durationMs: clock().getTime() - started,
    });
    return token;
  };

  return {
    getToken(request = {}) {
      const scope = request.scope ?? config.scope;
      // The scope names a resource, not a secret. Key Vault reads, signatures and token requests are its children.
      return inSpan(
        "token acquire",
        { kind: SpanKind.INTERNAL, attributes: { [ATTR.scope]: scope } },
        async (span) => {
          let token: AccessToken;
          try {
            token = await acquireToken(request, scope);
          } catch (error) {
            metrics.tokenAcquired({ source: "none", outcome: "failed" });
            throw error;
          }
          const source = token.fromCache ? "cache" : "network";
          span.setAttribute(ATTR.tokenSource, source);
          metrics.tokenAcquired({ source, outcome: "ok" });
          return token;
        },
      );
    },
  };
}
