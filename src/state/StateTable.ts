import type { TableClient } from "@azure/data-tables";

/** One table of the app's own storage account, created on first use. */
export interface StateTable {
  readonly tableName: string;
  /** The account's table endpoint without query or credentials: safe to log and to put in error messages. */
  readonly endpoint: string;
  /** The SDK client, once the table exists (created on the first call in this process; a failed creation is retried). */
  client(): Promise<TableClient>;
}
