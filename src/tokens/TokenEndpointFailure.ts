import { AuthError } from "@azure/msal-node";
import type { EntraErrorFacts } from "./isTransientTokenFailure.js";

/** How a token endpoint request failed below MSAL, as the network client saw it. */
export type EndpointFailure =
  /**
   * An answer MSAL is not given: 429, 5xx, any answer with Retry-After, or a body that is not an Entra error.
   * `entra` is Entra's error body when the answer had one; `bodyProblem` says what was wrong with any other body.
   */
  | {
      kind: "status";
      status: number;
      /** Retry-After in milliseconds, or null when the answer had none. */
      retryAfterMs: number | null;
      /** The answer was not sent again: an earlier answer's Retry-After has not passed yet. */
      remembered: boolean;
      contentType: string | null;
      entra: (EntraErrorFacts & { description: string | null }) | null;
      bodyProblem: "not-json" | "not-entra" | "too-large" | null;
    }
  /** No answer: `code` names the socket error ("ECONNRESET"), `summary` says it for people. */
  | { kind: "network"; code: string; summary: string }
  /** No answer within the per-request timeout (not the caller's deadline). */
  | { kind: "timeout"; timeoutMs: number };

/**
 * Thrown by the token path's network client instead of handing MSAL an answer it would turn into an unreadable
 * error ("[object Object]: ...", "token_parsing_error") or remember in its throttling cache (which would then
 * refuse the request locally for up to an hour, even when retried after Retry-After). An AuthError, so MSAL
 * passes it through unchanged (msal-common's sendPostRequest rethrows AuthErrors as they are).
 */
export class TokenEndpointFailure extends AuthError {
  readonly failure: EndpointFailure;
  /** The token endpoint's URL (no query: it carries no secret). */
  readonly url: string;

  constructor(failure: EndpointFailure, url: string) {
    super("token_endpoint_failure", "", `The token endpoint request failed (${failure.kind})`);
    // AuthError sets its own prototype; restore the subclass's so `instanceof TokenEndpointFailure` holds.
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = "TokenEndpointFailure";
    this.failure = failure;
    this.url = url;
  }
}
