import { M2mError, TransientError } from "../errors.js";

/** What @azure/identity's ManagedIdentityCredential attaches as `cause`: MSAL's error, with the endpoint's status. */
interface MsalCause {
  status?: unknown;
  errorCode?: unknown;
}

const causeOf = (error: Error): MsalCause =>
  typeof error.cause === "object" && error.cause !== null ? error.cause : {};

/**
 * The error for a managed identity token request that failed in a way the credential's own message does not explain
 * well, or null to keep the credential's error (its caller says how to enable the identity):
 * - the endpoint answered 408, 429 or 5xx, or gave no answer a token could be read from, after @azure/identity's
 *   retries: MANAGED_IDENTITY_ENDPOINT_UNAVAILABLE, transient — not "enable the managed identity", which would send
 *   people to fix what works. MSAL reports no answer as `network_error`; an answer that is not JSON as `network_error`
 *   too up to MSAL Node 5, and from MSAL Node 7 (@azure/identity 4.14) as `unknown_error` with the answer's 2xx
 *   status (no token and no OAuth error in it);
 * - the endpoint answered 200 without a token (AuthenticationRequiredError "Response had no …"):
 *   MANAGED_IDENTITY_RESPONSE_INVALID.
 * An error already explained (an M2mError: TIMED_OUT) is returned as it is.
 */
export function managedIdentityError(error: unknown, scope: string): M2mError | null {
  if (error instanceof M2mError) return error;
  if (!(error instanceof Error)) return null;
  const { status, errorCode } = causeOf(error);
  const options = { cause: error };
  if (typeof status === "number" && (status === 408 || status === 429 || status >= 500)) {
    return new TransientError(
      "MANAGED_IDENTITY_ENDPOINT_UNAVAILABLE",
      `The managed identity endpoint answered HTTP ${status} to the token request for ${scope}, still after @azure/identity's retries. This usually passes on its own and the next run tries again; if it persists, check Azure Service Health for App Service. (${error.message})`,
      options,
    );
  }
  const unreadable =
    errorCode === "network_error" ||
    (errorCode === "unknown_error" && typeof status === "number" && status >= 200 && status < 300);
  if (unreadable) {
    return new TransientError(
      "MANAGED_IDENTITY_ENDPOINT_UNAVAILABLE",
      `The managed identity endpoint did not answer the token request for ${scope} with a token: the connection failed, or the answer was not JSON (MSAL: ${errorCode}), still after @azure/identity's retries. This usually passes on its own and the next run tries again; if it persists, check Azure Service Health for App Service.`,
      options,
    );
  }
  if (error.name === "AuthenticationRequiredError") {
    return new M2mError(
      "MANAGED_IDENTITY_RESPONSE_INVALID",
      `The managed identity endpoint answered the token request for ${scope} without a usable token (${error.message}). That is not what the App Service identity endpoint sends: check that IDENTITY_ENDPOINT is the one the platform set, with no proxy answering in its place.`,
      options,
    );
  }
  return null;
}
