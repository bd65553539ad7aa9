import { odata } from "@azure/data-tables";
import { invertedStartKey, MAX_RUN_START_MS } from "./runEntity.js";

/** Table Storage runs at most 100 operations in one entity group transaction, all in one partition. */
export const MAX_DELETES_PER_BATCH = 100;
const DAY_MS = 86_400_000;

/** The keys of a row to delete. */
export interface RowKeys {
  partitionKey: string;
  rowKey: string;
}

/** Rows of one partition deleted in one entity group transaction. */
export interface DeleteBatch {
  partitionKey: string;
  rowKeys: string[];
}

/** Rows are due when they are older than this: `now` minus `retentionDays` whole days. */
export function retentionCutoff(now: Date, retentionDays: number): Date {
  return new Date(now.getTime() - retentionDays * DAY_MS);
}

/**
 * The query for a job's runs that started before `cutoff`: run RowKeys begin with the inverted start time (see
 * runEntity), so those runs are exactly the RowKeys from the key of the last due millisecond upwards — a range
 * read of one partition, keys only. Null when no run can be that old (a cutoff at or before 1970).
 */
export function runsDueFilter(partitionKey: string, cutoff: Date): string | null {
  const lastDueMs = Math.min(cutoff.getTime() - 1, MAX_RUN_START_MS);
  if (!(lastDueMs >= 0)) return null;
  return odata`PartitionKey eq ${partitionKey} and RowKey ge ${invertedStartKey(lastDueMs)}`;
}

/**
 * Is this alert delivery row due for deletion? It reads `status`, `attempts`, `occurredAt` and `claimedUntil` (as
 * listed: any of them may be missing or of another type). Only when it is delivered — sent, or failed `maxAttempts` times and
 * given up — and its alert was raised before `cutoff`. A pending delivery, or a failed one still to be retried, is
 * kept whatever its age; so is a row claimed until `cutoff` or later (an instance may be sending it now, its last
 * attempt perhaps). A claim that ended before `cutoff` was left by an instance that died long ago.
 *
 * Dedupe and retention: what an alert decision reads is the subject's state row (status, step, since — and for a
 * resolved condition the episode it closed; see decideConditionAlert / decideJobAlert), and state rows are never
 * deleted, so a resolved subject is remembered for good. A delivery row only refuses a second enqueue of its own
 * dedupeKey. Deleting it lets that key be enqueued again only when a decision from the current state reaches the same
 * key again: never for a job (its keys name the streak's last success and the firing's start), and for a condition
 * only when a subject that was resolved comes back in the same episode at the same urgency — more than the retention
 * period after it was first told, and after people were told it was resolved, so it is said again.
 */
export function isDeliveryDue(
  row: Readonly<Record<string, unknown>>,
  cutoff: Date,
  maxAttempts: number,
): boolean {
  if (row.claimedUntil !== undefined && !(parseTime(row.claimedUntil) < cutoff.getTime())) return false;
  if (!(parseTime(row.occurredAt) < cutoff.getTime())) return false;
  if (row.status === "sent") return true;
  return row.status === "failed" && typeof row.attempts === "number" && row.attempts >= maxAttempts;
}

/** Milliseconds of an ISO 8601 property; NaN when it is not a time (no comparison with NaN is true). */
function parseTime(value: unknown): number {
  return typeof value === "string" ? Date.parse(value) : Number.NaN;
}

/**
 * The query for delivered alert rows raised before `cutoff` (a scan filtered on the server, as `deliverPending`'s is;
 * {@link isDeliveryDue} has the last word). `occurredAt` is an ISO 8601 UTC string, which sorts as it compares.
 */
export function deliveriesDueFilter(cutoff: Date, maxAttempts: number): string {
  return odata`kind eq ${"delivery"} and occurredAt lt ${cutoff.toISOString()} and (status eq ${"sent"} or (status eq ${"failed"} and attempts ge ${maxAttempts}))`;
}

/** Rows grouped by partition (in the order each partition is first seen), each group cut into transactions of 100. */
export function deleteBatches(rows: readonly RowKeys[]): DeleteBatch[] {
  const byPartition = new Map<string, string[]>();
  for (const row of rows) {
    const keys = byPartition.get(row.partitionKey) ?? [];
    keys.push(row.rowKey);
    byPartition.set(row.partitionKey, keys);
  }
  const batches: DeleteBatch[] = [];
  for (const [partitionKey, keys] of byPartition) {
    for (let start = 0; start < keys.length; start += MAX_DELETES_PER_BATCH) {
      batches.push({ partitionKey, rowKeys: keys.slice(start, start + MAX_DELETES_PER_BATCH) });
    }
  }
  return batches;
}
