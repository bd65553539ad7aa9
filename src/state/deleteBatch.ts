import type { TableClient, TransactionAction } from "@azure/data-tables";
import type { DeleteBatch } from "./retentionPlan.js";
import { storageStatus } from "./storageStatus.js";

/**
 * Deletes one partition's rows in one entity group transaction (each delete `If-Match: *`: the rows were just listed
 * as due, and nothing rewrites a due row). Returns how many rows this call deleted.
 *
 * A row already gone — another instance purging at the same time — fails the whole transaction with 404 and nothing
 * of it is applied; the batch is then deleted row by row, where a 404 means done. Any other failure is thrown.
 */
export async function deleteBatch(
  client: TableClient,
  batch: DeleteBatch,
  signal: AbortSignal | undefined,
): Promise<number> {
  const options = signal ? { abortSignal: signal } : {};
  const actions: TransactionAction[] = batch.rowKeys.map((rowKey) => [
    "delete",
    { partitionKey: batch.partitionKey, rowKey },
  ]);
  try {
    await client.submitTransaction(actions, options);
    return batch.rowKeys.length;
  } catch (error) {
    if (storageStatus(error) !== 404) throw error;
  }
  let deleted = 0;
  for (const rowKey of batch.rowKeys) {
    try {
      await client.deleteEntity(batch.partitionKey, rowKey, options);
      deleted++;
    } catch (error) {
      if (storageStatus(error) !== 404) throw error;
    }
  }
  return deleted;
}
