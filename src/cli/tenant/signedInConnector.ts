import type { TokenCredential } from "@azure/identity";
import { createAzureCredential } from "../../credentials/createAzureCredential.js";
import type { TenantConnector } from "../CliContext.js";
import { keyVaultCertificates } from "./keyVaultCertificates.js";
import { tenantGraphClient } from "./tenantGraphClient.js";
import type { TenantSettings } from "./TenantSettings.js";

/**
 * Graph and Key Vault as the person running the CLI: DefaultAzureCredential (environment, workload identity, Azure
 * CLI, Azure PowerShell, Azure Developer CLI, VS Code), built the way the app builds its workstation credential
 * (createAzureCredential: the tenant's authority host, no instance discovery off the public cloud), once per tenant.
 */
export function signedInConnector(): TenantConnector {
  const credentials = new Map<string, TokenCredential>();
  const credentialFor = (tenant: TenantSettings) => {
    const key = `${tenant.authorityHost} ${tenant.tenantId}`;
    let credential = credentials.get(key);
    if (!credential) {
      credential = createAzureCredential(
        { authorityHost: tenant.authorityHost, tenantId: tenant.tenantId, managedIdentityClientId: null },
        "default-azure-credential",
      );
      credentials.set(key, credential);
    }
    return credential;
  };
  return {
    graph: (tenant) =>
      tenantGraphClient({
        graphUrl: tenant.graphUrl,
        credential: credentialFor(tenant),
        tenantId: tenant.tenantId,
      }),
    vault: (vaultUrl, tenant) => keyVaultCertificates(vaultUrl, credentialFor(tenant)),
  };
}
