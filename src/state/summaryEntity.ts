import type { TableEntity } from "@azure/data-tables";
import type { JobSummary } from "./JobSummary.js";
import { entityFields } from "./entityFields.js";
import { MAX_PROPERTY_CHARS } from "./runEntity.js";
import { tableKey } from "./tableKey.js";
import { truncateText } from "./truncateText.js";
import { withoutNulls } from "./withoutNulls.js";

/**
 * The partition holding one summary row per job (RowKey = job name in lower case). Job names are letters, digits
 * and dashes, so no job's run partition can be called this.
 */
export const SUMMARY_PARTITION = "_summary";
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
    partitionKey: SUMMARY_PARTITION,
    rowKey: tableKey(summary.job.toLowerCase(), "job name"),
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

/** A summary row read back. */
export function fromSummaryEntity(entity: Readonly<Record<string, unknown>>): {
  summary: JobSummary;
  countedRunIds: string[];
} {
  const f = entityFields(entity);
  const status = f.string("lastStatus");
  const ids = f.json("countedRunIds");
  return {
    summary: {
      job: f.string("job") ?? f.string("rowKey") ?? "",
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
