import { isTransientFailure, type AttemptFailure } from "../jobs/downstream/isRetryable.js";

/** What Entra ID said in an error body: the OAuth `error` and the AADSTS numbers of `error_codes`. */
export interface EntraErrorFacts {
  error: string | null;
  aadsts: readonly number[];
}

/**
 * AADSTS codes that Entra's error reference documents as transient ("RetryableError", "temporarily unavailable",
 * "A transient error has occurred. Try again", "A retry of the request may succeed"):
 * https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 * (MicrosoftDocs/entra-docs: docs/identity-platform/reference-error-codes.md).
 */
export const TRANSIENT_AADSTS: ReadonlySet<number> = new Set([
  50033, // RetryableError: a transient error not related to the database operations.
  90006, // ExternalServerRetryableError: the service is temporarily unavailable.
  90012, // RequestTimeout: the request has timed out.
  90024, // RequestBudgetExceededError: a transient error has occurred. Try again.
  90033, // MsodsServiceUnavailable: the directory service isn't available (sent with 503 temporarily_unavailable).
  90090, // GraphRetryableError: the service is temporarily unavailable.
  501621, // ClaimsTransformationTimeoutRegularExpressionTimeout: a retry of the request may succeed.
]);

/**
 * AADSTS codes that are not retried even when the status says "try again later": the reference calls them
 * non-retryable, or says that repeating the request is the problem.
 */
export const NEVER_RETRIED_AADSTS: ReadonlySet<number> = new Set([
  50196, // LoopDetected: the app made too many of the same request; more requests feed the loop.
  90036, // MsodsServiceUnretryableFailure: an unexpected, non-retryable error.
  90055, // TenantThrottlingError: thrown for blocked tenants.
  90092, // GraphNonRetryableError.
]);

/**
 * Pure: whether a failed token request may pass on its own, so that trying again (after Retry-After or a backoff)
 * can succeed. Entra's own words decide first: an AADSTS code documented as non-retryable never is; the OAuth error
 * `temporarily_unavailable` ("Retry the request", per the reference's table of `error` values) or a transient
 * AADSTS code always is, whatever the status. Otherwise the HTTP answer decides as for any API call
 * ({@link isTransientFailure}): 408, 429 and 5xx gateway/server statuses, a reset or refused connection, an
 * attempt timeout — but not a host name that does not resolve or an untrusted certificate.
 */
export function isTransientTokenFailure(failure: AttemptFailure, entra: EntraErrorFacts | null): boolean {
  if (entra) {
    if (entra.aadsts.some((code) => NEVER_RETRIED_AADSTS.has(code))) return false;
    if (entra.error === "temporarily_unavailable") return true;
    if (entra.aadsts.some((code) => TRANSIENT_AADSTS.has(code))) return true;
  }
  return isTransientFailure(failure);
}
