import type { EntraStandIn } from "../../dev/entra/startEntraStandIn.js";
import type { AppCredential } from "../../src/credentials/AppCredential.js";
import type { Config } from "../../src/config/Config.js";

/** The downstream API the token tests ask tokens for, and its scope. */
export const DOWNSTREAM = "api://m2m-downstream";
export const DOWNSTREAM_SCOPE = `${DOWNSTREAM}/.default`;

/**
 * On the Entra stand-in: the downstream API with its role, an app registration granted it, a client secret, and the
 * credential the client-secret provider would hand MSAL (id `credentialId`); plus the token source's configuration
 * against that stand-in. Call once per stand-in (the API is registered each time).
 */
export function secretClientApp(
  entra: EntraStandIn,
  displayName: string,
  credentialId = "client-secret:test",
): {
  clientId: string;
  credential: AppCredential;
  config: Pick<Config, "clientId" | "tenantId" | "authorityHost" | "authority" | "scope">;
} {
  entra.registerResource({ appIdUri: DOWNSTREAM, roles: ["Reports.Read.All"] });
  const { clientId } = entra.registerApp({ displayName });
  entra.assignRoles(clientId, DOWNSTREAM, ["Reports.Read.All"]);
  return {
    clientId,
    credential: {
      id: credentialId,
      kind: "client-secret",
      auth: { clientSecret: entra.addClientSecret(clientId).secretText },
      certificate: null,
      signer: null,
      summary: {},
    },
    config: {
      clientId,
      tenantId: entra.tenantId,
      authorityHost: entra.authorityHost,
      authority: entra.authority,
      scope: DOWNSTREAM_SCOPE,
    },
  };
}
