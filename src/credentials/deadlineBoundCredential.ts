import type { GetTokenOptions, TokenCredential } from "@azure/identity";
import { systemClock, type Clock } from "../clock/Clock.js";
import { createDeadline } from "../clock/Deadline.js";
import { currentAzureCallDeadline } from "./azureCallDeadline.js";
import { managedIdentityError } from "./managedIdentityError.js";

/** The edge a deadline names when the managed identity endpoint has not answered in time. */
export const MANAGED_IDENTITY_ENDPOINT = "the managed identity endpoint";

/**
 * How much sooner a token request made inside another call (the token the Key Vault SDK asks for) ends than that
 * call. Both share the invocation's deadline; ending a moment sooner lets the token request's TIMED_OUT reach the
 * outer call before its own does, so the edge that hung is the one named.
 */
export const INNER_EDGE_LEAD_MS = 250;

/**
 * The app's Azure credential (its managed identity), bounded by the deadline of the Azure SDK call it serves (see
 * withAzureCallDeadline): the token request gets that deadline's signal and settles by it — a little sooner, see
 * {@link INNER_EDGE_LEAD_MS} — rejecting with TIMED_OUT naming `edge`. @azure/identity's ManagedIdentityCredential
 * does not pass the signal on to its requests (MSAL's managed identity client takes none), and retries 429 and 5xx
 * (3 times) and 404/410 (5 times, over 20 s and more) itself; the bound is what ends them for the invocation: a
 * request still running is left to finish in the background. Called outside an SDK call (the federated assertion
 * warms its token under its own bound), it runs as it is. Failures that are the endpoint's, not the configuration's,
 * get their own codes (see managedIdentityError).
 */
export function deadlineBoundCredential(
  inner: TokenCredential,
  options: { edge: string; clock?: Clock },
): TokenCredential {
  const clock = options.clock ?? systemClock;
  const scopeOf = (scopes: string | string[]) => [scopes].flat().join(" ");
  const request = async (scopes: string | string[], getTokenOptions: GetTokenOptions) => {
    try {
      return await inner.getToken(scopes, getTokenOptions);
    } catch (error) {
      throw managedIdentityError(error, scopeOf(scopes)) ?? error;
    }
  };
  return {
    getToken(scopes, getTokenOptions = {}) {
      const outer = currentAzureCallDeadline();
      if (!outer) return request(scopes, getTokenOptions);
      const deadline = createDeadline({
        budgetMs: outer.leftMs() - INNER_EDGE_LEAD_MS,
        clock,
        parent: outer.signal,
      });
      return deadline.bound(options.edge, (abortSignal) =>
        request(scopes, { ...getTokenOptions, abortSignal }),
      );
    },
  };
}
