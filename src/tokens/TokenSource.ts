import type { Deadline } from "../clock/Deadline.js";

/** An access token and how it was obtained. `token` is a secret: never log it. */
export interface AccessToken {
  token: string;
  expiresOn: Date;
  scope: string;
  /** Served from MSAL's in-memory cache: no request to Entra ID. */
  fromCache: boolean;
  /** The credential version that obtained it (see AppCredential.id). */
  credentialId: string;
}

/** What a caller asks of a {@link TokenSource}. */
export interface TokenRequest {
  scope?: string;
  forceRefresh?: boolean;
  deadline?: Deadline;
}

/** Where downstream callers get bearer tokens. */
export interface TokenSource {
  /**
   * A token for `scope` (default: the configured M2M_SCOPE). `forceRefresh` skips the cache, e.g. after the
   * API answered 401 to a cached token. `deadline` bounds the call, retries included: past it the call rejects with
   * TIMED_OUT naming the token endpoint (without one, the source applies its own limit).
   */
  getToken(options?: TokenRequest): Promise<AccessToken>;
}
