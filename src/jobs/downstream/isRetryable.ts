/** Why an attempt did not succeed, as far as retrying is concerned. */
export type AttemptFailure =
  | { kind: "status"; status: number }
  /** No response: `code` is the Node/undici error code ("ECONNRESET", "UND_ERR_SOCKET", "ENOTFOUND", ...). */
  | { kind: "network"; code: string }
  | { kind: "timeout" };

/** Statuses that say "try again later": the server was busy, overloaded or a gateway failed. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** Methods that HTTP defines as idempotent: sending them twice has the effect of sending them once. */
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);

/**
 * Network failures that will not pass on their own: the host name does not resolve, the URL or port is
 * unusable, or the server's TLS certificate is not trusted. Retrying them only spends the deadline.
 */
const PERMANENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  "ENOTFOUND",
  "ERR_INVALID_URL",
  "BAD_PORT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** Whether repeating `method` is safe: always for idempotent methods, for POST and PATCH only when the job says so. */
export function isRetryableMethod(method: string, idempotent: boolean): boolean {
  return idempotent || IDEMPOTENT_METHODS.has(method.toUpperCase());
}

/** Whether the failure may pass on its own, whatever the method. */
export function isTransientFailure(failure: AttemptFailure): boolean {
  switch (failure.kind) {
    case "status":
      return RETRYABLE_STATUSES.has(failure.status);
    case "network":
      return !PERMANENT_NETWORK_CODES.has(failure.code);
    case "timeout":
      return true;
  }
}

/** Whether a failed attempt is retried: the failure may pass, and repeating the request is safe. */
export function isRetryable(failure: AttemptFailure, method: string, idempotent: boolean): boolean {
  return isTransientFailure(failure) && isRetryableMethod(method, idempotent);
}
