import type { TokenCredential } from "@azure/identity";
import type { Deadline } from "../clock/Deadline.js";
import { CredentialError, M2mError } from "../errors.js";
import { currentTokenRequestSignal } from "../tokens/tokenRequestSignal.js";
import type { AppCredential, CredentialProvider } from "./AppCredential.js";
import { MANAGED_IDENTITY_ENDPOINT } from "./deadlineBoundCredential.js";

/**
 * The app registration trusts the Function app's managed identity (a federated identity credential), so the
 * client assertion is a managed identity token for the federation audience: no secret, no certificate.
 * @azure/identity caches that token, so each MSAL token request costs no extra managed identity request
 * while it is valid.
 *
 * MSAL asks for the assertion inside the token request, where a hang would be reported as the token endpoint's. So
 * `current(deadline)` gets the managed identity token first, within the deadline (TIMED_OUT naming the managed
 * identity endpoint), and the assertion MSAL asks for a moment later comes from @azure/identity's cache.
 */
export function federatedCredentialProvider(
  managedIdentity: TokenCredential,
  audience: string,
): CredentialProvider {
  const scope = `${audience.replace(/\/+$/, "")}/.default`;
  const assertion = async (abortSignal: AbortSignal | undefined): Promise<string> => {
    try {
      const token = await managedIdentity.getToken(scope, abortSignal ? { abortSignal } : {});
      if (!token) throw new Error("the managed identity returned no token");
      return token.token;
    } catch (error) {
      // Already explained: the endpoint timed out or failed transiently (see managedIdentityError).
      if (error instanceof M2mError) throw error;
      throw new CredentialError(
        "MANAGED_IDENTITY_UNAVAILABLE",
        `Could not get a managed identity token for ${scope} (the federated client assertion): ${error instanceof Error ? error.message : String(error)}. Enable the Function app's managed identity; for a user-assigned one set M2M_MANAGED_IDENTITY_CLIENT_ID.`,
        { cause: error },
      );
    }
  };
  const credential: AppCredential = {
    id: "managed-identity-federation",
    kind: "managed-identity-federation",
    auth: { clientAssertion: () => assertion(currentTokenRequestSignal()) },
    certificate: null,
    signer: null,
    summary: { kind: "managed-identity-federation", audience },
  };
  const ready = async (deadline: Deadline | undefined): Promise<AppCredential> => {
    if (deadline) await deadline.bound(MANAGED_IDENTITY_ENDPOINT, (signal) => assertion(signal));
    return credential;
  };
  return { current: ready, reload: (_reason, deadline) => ready(deadline) };
}
