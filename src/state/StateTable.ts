import type { TableClient } from "@azure/data-tables";
import type { Deadline } from "../clock/Deadline.js";

/** One table of the app's own storage account, created on first use. */
export interface StateTable {
  readonly tableName: string;
  /** The account's table endpoint without query or credentials: safe to log and to put in error messages. */
  readonly endpoint: string;
  /**
   * The SDK client, once the table exists (created on the first call in this process, within `deadline` when given;
   * a failed creation is retried). Rejects with TIMED_OUT naming Table Storage when the deadline passes first.
   */
  client(deadline?: Deadline): Promise<TableClient>;
}
