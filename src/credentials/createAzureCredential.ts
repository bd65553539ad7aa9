import {
  DefaultAzureCredential,
  ManagedIdentityCredential,
  type TokenCredential,
  type TokenCredentialOptions,
} from "@azure/identity";
import type { Clock } from "../clock/Clock.js";
import type { Config } from "../config/Config.js";
import { deadlineBoundCredential, MANAGED_IDENTITY_ENDPOINT } from "./deadlineBoundCredential.js";

/** The credential's retry options (core-rest-pipeline's): a parameter so tests need not wait its real backoff. */
export type AzureCredentialRetryOptions = NonNullable<TokenCredentialOptions["retryOptions"]>;

/**
 * The credential the app uses for Azure resources (Key Vault, the federation assertion): its managed identity
 * in Azure, or DefaultAzureCredential (Azure CLI, VS Code, environment) on a developer's machine.
 * Against a non-public authority (a sovereign cloud or the local stand-in) instance discovery is turned off:
 * it would ask login.microsoftonline.com and lose seconds before failing.
 *
 * Inside an Azure SDK call with a deadline, the token request is bounded by it (see deadlineBoundCredential) and a
 * hung endpoint ends in TIMED_OUT naming the managed identity endpoint (or, on a workstation, the developer sign-in).
 */
export function createAzureCredential(
  config: Pick<Config, "authorityHost" | "tenantId" | "managedIdentityClientId">,
  mode: "managed-identity" | "default-azure-credential",
  options: { clock?: Clock; retryOptions?: AzureCredentialRetryOptions } = {},
): TokenCredential {
  const clientId = config.managedIdentityClientId ?? undefined;
  const retry = options.retryOptions ? { retryOptions: options.retryOptions } : {};
  const bound = (inner: TokenCredential, edge: string) =>
    deadlineBoundCredential(inner, { edge, ...(options.clock ? { clock: options.clock } : {}) });
  if (mode === "managed-identity") {
    return bound(
      new ManagedIdentityCredential({ ...(clientId ? { clientId } : {}), ...retry }),
      MANAGED_IDENTITY_ENDPOINT,
    );
  }
  return bound(
    new DefaultAzureCredential({
      authorityHost: config.authorityHost,
      tenantId: config.tenantId,
      disableInstanceDiscovery: config.authorityHost !== "https://login.microsoftonline.com",
      ...(clientId ? { managedIdentityClientId: clientId } : {}),
      ...retry,
    }),
    "the developer sign-in (DefaultAzureCredential)",
  );
}
