import type { TableEntity } from "@azure/data-tables";
import type { JobSummary } from "./JobSummary.js";
import { entityFields } from "./entityFields.js";
import { MAX_PROPERTY_CHARS } from "./runEntity.js";
import { tableKey } from "./tableKey.js";
import { truncateText } from "./truncateText.js";
import { withoutNulls } from "./withoutNulls.js";

/**
 * A job's summary row: RowKey in the job's run partition (PartitionKey = job name in lower case), so that one
 * entity-group transaction writes a run and the summary it makes. "!" sorts before the digits that start every run
 * row's key, so a partition lists its summary first, then its runs newest first, and no run's key can be this.
 */
export const SUMMARY_ROW = "!summary";
/**
 * Where summaries were kept before they moved into their job's partition: one partition, RowKey = job name in lower
 * case. Read only, as the starting point of a job's first summary in its partition (see tableRunHistory). Job names
 * are letters, digits and dashes, so no job's partition is called this.
 */
export const LEGACY_SUMMARY_PARTITION = "_summary";
/** Run ids a summary remembers, so recording a run twice counts it once. */
export const REMEMBERED_RUN_IDS = 50;

/** A summary row and the run ids it has counted (newest last). */
export function toSummaryEntity(
  summary: JobSummary,
  countedRunIds: readonly string[],
): TableEntity<Record<string, unknown>> {
  let ids = countedRunIds.slice(-REMEMBERED_RUN_IDS);
  while (JSON.stringify(ids).length > MAX_PROPERTY_CHARS) ids = ids.slice(1);
  return {
    partitionKey: tableKey(summary.job.toLowerCase(), "job name"),
    rowKey: SUMMARY_ROW,
    ...withoutNulls({
      ...summary,
      lastErrorMessage:
        summary.lastErrorMessage === null
          ? null
          : truncateText(summary.lastErrorMessage, MAX_PROPERTY_CHARS).text,
      countedRunIds: JSON.stringify(ids),
    }),
  };
}

/** A summary row read back, from its job's partition or from the legacy summary partition. */
export function fromSummaryEntity(entity: Readonly<Record<string, unknown>>): {
  summary: JobSummary;
  countedRunIds: string[];
} {
  const f = entityFields(entity);
  const status = f.string("lastStatus");
  const ids = f.json("countedRunIds");
  return {
    summary: {
      job:
        f.string("job") ??
        (f.string("rowKey") === SUMMARY_ROW ? f.string("partitionKey") : f.string("rowKey")) ??
        "",
      lastRunId: f.string("lastRunId"),
      lastStatus: status === "succeeded" || status === "failed" || status === "timed-out" ? status : null,
      lastRunAt: f.string("lastRunAt"),
      lastDurationMs: f.number("lastDurationMs"),
      lastHttpStatus: f.number("lastHttpStatus"),
      lastErrorCode: f.string("lastErrorCode"),
      lastErrorMessage: f.string("lastErrorMessage"),
      consecutiveFailures: f.number("consecutiveFailures") ?? 0,
      lastSuccessAt: f.string("lastSuccessAt"),
      lastFailureAt: f.string("lastFailureAt"),
      totalRuns: f.number("totalRuns") ?? 0,
      lastPastDueAt: f.string("lastPastDueAt"),
    },
    countedRunIds: Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [],
  };
}
