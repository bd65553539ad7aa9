import { TableClient, type TableServiceClientOptions } from "@azure/data-tables";
import type { TokenCredential } from "@azure/identity";
import type { Deadline } from "../clock/Deadline.js";
import { M2mError } from "../errors.js";
import { boundStorage } from "./boundStorage.js";
import type { StateTable } from "./StateTable.js";
import { stateError } from "./stateError.js";
import { storageErrorCode } from "./storageErrorCode.js";
import { storageStatus } from "./storageStatus.js";

/** How the app reaches its own storage account. */
export type TableConnection =
  /** AzureWebJobsStorage / M2M_STORAGE_CONNECTION: account key, SAS, or UseDevelopmentStorage=true (Azurite). */
  | { kind: "connection-string"; connectionString: string }
  /** Identity-based connection: `https://<account>.table.core.windows.net` and the app's managed identity. */
  | { kind: "identity"; endpoint: string; credential: TokenCredential };

/** Tables this process has created (or found), by endpoint and name: each is created once per process. */
const tablesReady = new Map<string, Promise<void>>();

/**
 * A table of the app's storage account. No I/O here: the table is created (409 TableAlreadyExists is fine) on the
 * first `client()` call, once per process, within that call's deadline; a failed (or timed-out) creation is forgotten
 * so the next call tries again.
 * `clientOptions` go to the SDK (tests lower `retryOptions` to fail fast against a closed port).
 */
export function tableClientFor(
  connection: TableConnection,
  tableName: string,
  options: {
    clientOptions?: TableServiceClientOptions;
    /** Default true. False for readers that treat a missing table as empty (no create request on first use). */
    createIfMissing?: boolean;
  } = {},
): StateTable {
  if (!/^[A-Za-z][A-Za-z0-9]{2,62}$/.test(tableName)) {
    throw new M2mError(
      "STATE_TABLE_NAME_INVALID",
      `Table name '${tableName}' is not valid for Azure Table Storage: expected 3 to 63 letters and digits, starting with a letter.`,
    );
  }
  const client = buildClient(connection, tableName, options.clientOptions ?? {});
  const endpoint = safeEndpoint(client.url);
  const key = `${endpoint}\n${tableName}`;
  return {
    tableName,
    endpoint,
    async client(deadline?: Deadline) {
      if (options.createIfMissing === false) return client;
      let ready = tablesReady.get(key);
      if (!ready) {
        ready = boundStorage(deadline, (abortSignal) => createTable(client, abortSignal)).catch(
          (error: unknown) => {
            tablesReady.delete(key);
            throw stateError(error, { table: tableName, endpoint, action: "creating the table" });
          },
        );
        tablesReady.set(key, ready);
        // Each caller waits on it only within its own deadline — not at all when that has passed already — so a
        // failure nobody waits for must not become an unhandled rejection (which ends a Node process).
        ready.catch(() => undefined);
      }
      const shared = ready;
      try {
        // A creation another call started (with its own deadline, or none) is waited on only within this one's.
        await boundStorage(deadline, () => shared);
      } catch (error) {
        // Out of time waiting on a creation that may never end: the next call starts a fresh one.
        if (tablesReady.get(key) === shared) tablesReady.delete(key);
        throw error;
      }
      return client;
    },
  };
}

function buildClient(
  connection: TableConnection,
  tableName: string,
  clientOptions: TableServiceClientOptions,
): TableClient {
  if (connection.kind === "identity") {
    const url = URL.parse(connection.endpoint);
    if (!url || url.protocol !== "https:") {
      throw new M2mError(
        "STATE_CONNECTION_INVALID",
        `An identity-based storage connection needs an https table endpoint (https://<account>.table.core.windows.net); ` +
          `got '${url ? safeEndpoint(url.href) : "<not a URL>"}'. Check AzureWebJobsStorage__tableServiceUri / __accountName.`,
      );
    }
    return new TableClient(safeEndpoint(url.href), tableName, connection.credential, clientOptions);
  }
  try {
    // The connection string chooses the scheme: Azurite's is http, which the SDK refuses unless allowed.
    return TableClient.fromConnectionString(connection.connectionString, tableName, {
      allowInsecureConnection: true,
      ...clientOptions,
    });
  } catch (error) {
    throw new M2mError(
      "STATE_CONNECTION_INVALID",
      `The storage connection string in AzureWebJobsStorage / M2M_STORAGE_CONNECTION cannot be used for table ` +
        `'${tableName}': expected DefaultEndpointsProtocol=https;AccountName=...;AccountKey=..., ` +
        `TableEndpoint=...;SharedAccessSignature=..., or UseDevelopmentStorage=true.`,
      { cause: error },
    );
  }
}

async function createTable(client: TableClient, abortSignal: AbortSignal | undefined): Promise<void> {
  try {
    await client.createTable({ abortSignal });
  } catch (error) {
    // The SDK already swallows this; kept so a change there cannot fail every cold start.
    if (storageStatus(error) === 409 && storageErrorCode(error) === "TableAlreadyExists") return;
    throw error;
  }
}

/** The account endpoint without query (a SAS), user info or trailing slash. */
function safeEndpoint(url: string): string {
  const parsed = URL.parse(url);
  if (!parsed) return "<invalid endpoint>";
  parsed.search = "";
  parsed.hash = "";
  parsed.username = "";
  parsed.password = "";
  return parsed.href.replace(/\/+$/, "");
}
