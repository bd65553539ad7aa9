import { isLoopbackHost } from "../net/isLoopbackHost.js";
import { safeUrl } from "../net/safeUrl.js";
import type { StorageConfig } from "./Config.js";
import type { SettingReader } from "./createSettingReader.js";
import type { Env } from "./Env.js";
import { settings } from "./settings.js";

/**
 * The app's own storage: M2M_STORAGE_CONNECTION, else the host's AzureWebJobsStorage — a connection string or an
 * identity-based connection (AzureWebJobsStorage__tableServiceUri or __accountName, with managed identity: the
 * connection's own __clientId, else `managedIdentityClientId`). A connection string that sends Table Storage traffic
 * over plain http is refused unless it goes to this machine (Azurite); no problem ever shows the connection string.
 */
export function readStorage(
  env: Env,
  reader: SettingReader,
  managedIdentityClientId: string | null,
): StorageConfig {
  const own = env[settings.storageConnection.name]?.trim();
  const connection = own || env.AzureWebJobsStorage?.trim();
  if (connection) {
    if (connection === "UseDevelopmentStorage=true") {
      return { kind: "connection-string", connectionString: connection };
    }
    if (/AccountName=|TableEndpoint=|SharedAccessSignature=/i.test(connection)) {
      const plain = plainHttpEndpoint(connection);
      if (plain === null) return { kind: "connection-string", connectionString: connection };
      reader.problem(
        `${own ? settings.storageConnection.name : "AzureWebJobsStorage"}: the connection string sends Table Storage ` +
          `traffic over plain http (DefaultEndpointsProtocol=http or an http TableEndpoint) to ${plain}, which is ` +
          "not this machine: use DefaultEndpointsProtocol=https and an https TableEndpoint (plain http only for " +
          "Azurite on localhost, or UseDevelopmentStorage=true)",
      );
      return { kind: "connection-string", connectionString: "" };
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

/**
 * The table endpoint, as it may be shown, when the connection string asks for plain http to a host that is not this
 * machine; null when it does not. The endpoint is TableEndpoint, else `http://<AccountName>.table.<EndpointSuffix>`,
 * as the Tables SDK builds it (keys match case-insensitively, values end at ";") — see "Configure a connection
 * string", https://learn.microsoft.com/azure/storage/common/storage-configure-connection-string.
 * DefaultEndpointsProtocol=http counts even beside an https TableEndpoint: the account's other endpoints would use it
 * (for AzureWebJobsStorage, the Functions host's own blobs and queues).
 */
function plainHttpEndpoint(connection: string): string | null {
  const value = (key: string) =>
    new RegExp(`(?:^|;)\\s*${key}\\s*=([^;]*)`, "i").exec(connection)?.[1]?.trim() || null;
  const tableEndpoint = value("TableEndpoint");
  const httpDefault = value("DefaultEndpointsProtocol")?.toLowerCase() === "http";
  if (!httpDefault && !tableEndpoint?.toLowerCase().startsWith("http:")) return null;
  const endpoint =
    tableEndpoint ??
    `http://${value("AccountName") ?? ""}.table.${value("EndpointSuffix") ?? "core.windows.net"}`;
  const host = URL.parse(endpoint)?.hostname;
  return host !== undefined && isLoopbackHost(host) ? null : safeUrl(endpoint);
}
