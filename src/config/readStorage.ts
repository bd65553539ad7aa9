import type { StorageConfig } from "./Config.js";
import type { SettingReader } from "./createSettingReader.js";
import type { Env } from "./Env.js";
import { settings } from "./settings.js";

/**
 * The app's own storage: M2M_STORAGE_CONNECTION, else the host's AzureWebJobsStorage — a connection string or an
 * identity-based connection (AzureWebJobsStorage__tableServiceUri or __accountName, with managed identity: the
 * connection's own __clientId, else `managedIdentityClientId`).
 */
export function readStorage(
  env: Env,
  reader: SettingReader,
  managedIdentityClientId: string | null,
): StorageConfig {
  const connection = env[settings.storageConnection.name]?.trim() || env.AzureWebJobsStorage?.trim();
  if (connection) {
    if (
      connection === "UseDevelopmentStorage=true" ||
      /AccountName=|TableEndpoint=|SharedAccessSignature=/i.test(connection)
    ) {
      return { kind: "connection-string", connectionString: connection };
    }
    reader.problem(
      `${settings.storageConnection.name} / AzureWebJobsStorage: expected a storage connection string (DefaultEndpointsProtocol=...;AccountName=...) or UseDevelopmentStorage=true; got <redacted>`,
    );
    return { kind: "connection-string", connectionString: "" };
  }
  const serviceUri =
    env.AzureWebJobsStorage__tableServiceUri?.trim() ||
    (env.AzureWebJobsStorage__accountName?.trim()
      ? `https://${env.AzureWebJobsStorage__accountName.trim()}.table.core.windows.net`
      : undefined);
  if (serviceUri) {
    return {
      kind: "identity",
      tableServiceUri: serviceUri.replace(/\/+$/, ""),
      clientId: env.AzureWebJobsStorage__clientId?.trim() || managedIdentityClientId,
    };
  }
  reader.problem(
    `${settings.storageConnection.name} or AzureWebJobsStorage is missing: set a storage connection string (UseDevelopmentStorage=true for Azurite), or AzureWebJobsStorage__accountName for an identity-based connection`,
  );
  return { kind: "connection-string", connectionString: "" };
}
