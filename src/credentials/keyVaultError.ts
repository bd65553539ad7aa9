import { CredentialError, M2mError, TransientError } from "../errors.js";

/** An answer Key Vault refused a call with: its HTTP status and what it said. */
export interface KeyVaultRefusal {
  status: number;
  said: string;
}

/** Names of @azure/identity's errors for a credential that could not get a token. */
const NO_TOKEN = /CredentialUnavailable|AuthenticationError/;

const statusOf = (error: unknown): number | undefined =>
  typeof error === "object" && error !== null && "statusCode" in error && typeof error.statusCode === "number"
    ? error.statusCode
    : undefined;

/**
 * A request that got no answer: core-rest-pipeline's RestError carries the system's code (ECONNRESET, ENOTFOUND, …)
 * or REQUEST_SEND_ERROR and no status; an aborted request is an AbortError. PARSE_ERROR is an answer, unreadable.
 */
function unanswered(error: Error): boolean {
  if (error.name === "AbortError") return true;
  const code = (error as { code?: unknown }).code;
  return error.name === "RestError" && typeof code === "string" && code !== "PARSE_ERROR";
}

/**
 * The error for a Key Vault SDK call that failed, saying what the app tried to do (`action`: "read Key Vault
 * certificate 'app' in https://…"), what happened and what to do:
 * - an error already explained (TIMED_OUT, a Retry-After past the deadline, the managed identity endpoint failing)
 *   is returned as it is;
 * - `refused` explains an answer the caller knows better (a 404 "not found", a 403 naming the role it needs);
 * - no token (401, or the credential failed): KEYVAULT_AUTHENTICATION_FAILED, how to give the app an identity;
 * - 403: KEYVAULT_FORBIDDEN; 429: KEYVAULT_THROTTLED; 408 and 5xx: KEYVAULT_UNAVAILABLE (the SDK has retried
 *   both already); any other status: KEYVAULT_REJECTED;
 * - no answer (a reset or refused connection, DNS): KEYVAULT_UNREACHABLE;
 * - an answer the SDK could not read (a body that is not JSON, not Key Vault's shape — a proxy's page, a huge body
 *   — which the SDK reports as a TypeError or a RestError without a status): KEYVAULT_RESPONSE_INVALID.
 */
export function keyVaultError(
  error: unknown,
  action: string,
  refused?: (refusal: KeyVaultRefusal) => M2mError | null,
): M2mError {
  if (error instanceof M2mError) return error;
  // Never "[object Object]": what was thrown when it is not an Error says nothing worth quoting.
  const said = error instanceof Error ? error.message : typeof error === "string" ? error : "(no message)";
  const status = statusOf(error);
  const options = { cause: error };
  const explained = status === undefined ? null : (refused?.({ status, said }) ?? null);
  if (explained) return explained;
  if (status === 401 || (error instanceof Error && NO_TOKEN.test(error.name))) {
    return new CredentialError(
      "KEYVAULT_AUTHENTICATION_FAILED",
      `Could not authenticate to Key Vault to ${action}: ${said}. In Azure, enable the Function app's managed identity (and set M2M_MANAGED_IDENTITY_CLIENT_ID for a user-assigned one); on a workstation set M2M_KEYVAULT_AUTH=default-azure-credential and sign in with 'az login'.`,
      options,
    );
  }
  if (status === undefined) {
    if (error instanceof Error && unanswered(error)) {
      return new TransientError(
        "KEYVAULT_UNREACHABLE",
        `The app could not reach Key Vault to ${action}: ${said}. Check the vault's URL and the network path from the app to it (private endpoint, firewall, DNS); the next run tries again.`,
        options,
      );
    }
    return new M2mError(
      "KEYVAULT_RESPONSE_INVALID",
      `The answer the app got when it tried to ${action} is not Key Vault's: the SDK could not read it (${said}). Check that the vault's URL is the vault's own (https://<name>.vault.azure.net) and that no proxy answers in its place.`,
      options,
    );
  }
  if (status === 403) {
    return new CredentialError(
      "KEYVAULT_FORBIDDEN",
      `The app's identity may not ${action}. Grant it a Key Vault role that allows this (RBAC vaults) or the permission in the vault's access policy. Key Vault said: ${said}`,
      options,
    );
  }
  if (status === 429) {
    return new TransientError(
      "KEYVAULT_THROTTLED",
      `Key Vault throttled the app when it tried to ${action}, still after the SDK's retries (which wait as Retry-After asks). Key Vault allows 4,000 transactions per 10 seconds per vault: look for other callers of this vault. The next run tries again. Key Vault said: ${said}`,
      options,
    );
  }
  if (status === 408 || status >= 500) {
    return new TransientError(
      "KEYVAULT_UNAVAILABLE",
      `Key Vault answered HTTP ${status} when the app tried to ${action}, still after the SDK's retries. This usually passes on its own and the next run tries again; if it persists, check Azure Service Health for Key Vault. Key Vault said: ${said}`,
      options,
    );
  }
  return new M2mError(
    "KEYVAULT_REJECTED",
    `Key Vault refused to ${action} with HTTP ${status}: ${said}`,
    options,
  );
}
