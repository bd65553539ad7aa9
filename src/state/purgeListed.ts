import type { TableClient } from "@azure/data-tables";
import { deleteBatch } from "./deleteBatch.js";
import { deleteBatches, type RowKeys } from "./retentionPlan.js";
import type { PurgeOptions, PurgeReport } from "./RowPurge.js";

/**
 * Deletes the rows a query lists, page by page, in transactions of at most 100 rows of one partition, counting into
 * `report`. Returns true when the query is exhausted; false (and `report.complete` false) when due rows are left
 * because `maxBatches` transactions were submitted or the signal aborted. Rows deleted behind a continuation token
 * do not disturb the listing.
 */
export async function purgeListed(
  client: TableClient,
  pages: AsyncIterable<readonly RowKeys[]>,
  options: PurgeOptions,
  report: PurgeReport,
): Promise<boolean> {
  for await (const page of pages) {
    for (const batch of deleteBatches(page)) {
      if (report.batches >= options.maxBatches || options.signal?.aborted) {
        report.complete = false;
        return false;
      }
      report.batches++;
      report.deleted += await deleteBatch(client, batch, options.signal);
    }
  }
  return true;
}

/** The keys of each listed page (entities without both keys, which the service never sends, are skipped). */
export async function* keysOf(
  pages: AsyncIterable<readonly { partitionKey?: string; rowKey?: string }[]>,
): AsyncIterable<RowKeys[]> {
  for await (const page of pages) {
    yield page.flatMap(({ partitionKey, rowKey }) =>
      partitionKey === undefined || rowKey === undefined ? [] : [{ partitionKey, rowKey }],
    );
  }
}
