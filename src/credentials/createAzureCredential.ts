import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from "@azure/identity";
import type { Config } from "../config/Config.js";

/**
 * The credential the app uses for Azure resources (Key Vault, the federation assertion): its managed identity
 * in Azure, or DefaultAzureCredential (Azure CLI, VS Code, environment) on a developer's machine.
 * Against a non-public authority (a sovereign cloud or the local stand-in) instance discovery is turned off:
 * it would ask login.microsoftonline.com and lose seconds before failing.
 */
export function createAzureCredential(
  config: Pick<Config, "authorityHost" | "tenantId" | "managedIdentityClientId">,
  mode: "managed-identity" | "default-azure-credential",
): TokenCredential {
  const clientId = config.managedIdentityClientId ?? undefined;
  if (mode === "managed-identity") {
    return clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential();
  }
  return new DefaultAzureCredential({
    authorityHost: config.authorityHost,
    tenantId: config.tenantId,
    disableInstanceDiscovery: config.authorityHost !== "https://login.microsoftonline.com",
    ...(clientId ? { managedIdentityClientId: clientId } : {}),
  });
}
