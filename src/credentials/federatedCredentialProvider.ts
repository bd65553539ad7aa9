import type { TokenCredential } from "@azure/identity";
import { CredentialError } from "../errors.js";
import type { AppCredential, CredentialProvider } from "./AppCredential.js";

/**
 * The app registration trusts the Function app's managed identity (a federated identity credential), so the
 * client assertion is a managed identity token for the federation audience: no secret, no certificate.
 * @azure/identity caches that token, so each MSAL token request costs no extra managed identity request
 * while it is valid.
 */
export function federatedCredentialProvider(
  managedIdentity: TokenCredential,
  audience: string,
): CredentialProvider {
  const scope = `${audience.replace(/\/+$/, "")}/.default`;
  const credential: AppCredential = {
    id: "managed-identity-federation",
    kind: "managed-identity-federation",
    auth: {
      clientAssertion: async () => {
        try {
          const token = await managedIdentity.getToken(scope);
          if (!token) throw new Error("the managed identity returned no token");
          return token.token;
        } catch (error) {
          throw new CredentialError(
            "MANAGED_IDENTITY_UNAVAILABLE",
            `Could not get a managed identity token for ${scope} (the federated client assertion): ${error instanceof Error ? error.message : String(error)}. Enable the Function app's managed identity; for a user-assigned one set M2M_MANAGED_IDENTITY_CLIENT_ID.`,
            { cause: error },
          );
        }
      },
    },
    certificate: null,
    summary: { kind: "managed-identity-federation", audience },
  };
  return { current: () => Promise.resolve(credential), reload: () => Promise.resolve(credential) };
}
