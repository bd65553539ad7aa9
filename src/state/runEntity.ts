import type { TableEntity } from "@azure/data-tables";
import { M2mError } from "../errors.js";
import type { AttemptResult, RunResult } from "../jobs/RunResult.js";
import { entityFields } from "./entityFields.js";
import type { RecordedRun } from "./RunHistory.js";
import { tableKey } from "./tableKey.js";
import { truncateText } from "./truncateText.js";
import { withoutNulls } from "./withoutNulls.js";

/**
 * Most characters kept in one string property. Table Storage allows 32K UTF-16 characters (64 KiB) per property
 * and 1 MiB per entity; a run row has five properties that can be long (excerpt, message, skipped reason,
 * attempts, json), so capping each keeps the row under 5 × 64 KiB plus small fields, well inside 1 MiB.
 */
export const MAX_PROPERTY_CHARS = 32_000;
/** Short fields (correlation ids, an attempt's error) never need more. */
const MAX_SHORT_CHARS = 1_024;
/** Inverted start times count down from here (the year 2286), 13 digits: newer runs sort first. */
export const MAX_RUN_START_MS = 9_999_999_999_999;

/** The partition of a job's run rows: its name, lower-cased so lookups ignore case. */
export function runPartitionKey(job: string): string {
  return tableKey(job.toLowerCase(), "job name");
}

/**
 * The first part of a run row's RowKey: the start time (0 to MAX_RUN_START_MS) inverted, as 13 digits. A run that
 * started earlier has a greater key, so a partition lists newest first and "every run before T" is one key range.
 */
export function invertedStartKey(startedMs: number): string {
  return String(MAX_RUN_START_MS - startedMs).padStart(13, "0");
}

/**
 * A run as a row: PartitionKey = job (lower case), RowKey = inverted start time + "_" + runId, so a partition
 * lists newest first and the same run always lands on the same row. Long fields are cut to fit (see `truncated`).
 */
export function toRunEntity(result: RunResult): TableEntity<Record<string, unknown>> {
  const startedMs = Date.parse(result.startedAt);
  if (!Number.isFinite(startedMs) || startedMs < 0 || startedMs > MAX_RUN_START_MS) {
    throw new M2mError(
      "STATE_INVALID_RUN",
      `Run ${result.runId} of job '${result.job}' has startedAt '${result.startedAt}': expected an ISO 8601 time.`,
    );
  }
  const truncated: string[] = [];
  const cap = (field: string, text: string | null, maxChars = MAX_PROPERTY_CHARS): string | null => {
    if (text === null) return null;
    const cut = truncateText(text, maxChars);
    if (cut.truncated) truncated.push(field);
    return cut.text;
  };
  const short = (text: string | null) => (text === null ? null : truncateText(text, MAX_SHORT_CHARS).text);

  const properties = {
    runId: result.runId,
    job: result.job,
    trigger: result.trigger,
    status: result.status,
    startedAt: result.startedAt,
    durationMs: result.durationMs,
    httpStatus: result.httpStatus,
    bytes: result.bytes,
    isPastDue: result.isPastDue,
    errorCode: short(result.errorCode),
    errorMessage: cap("errorMessage", result.errorMessage),
    errorBodyExcerpt: cap("errorBodyExcerpt", result.errorBodyExcerpt),
    skippedReason: cap("skippedReason", result.skippedReason),
    attempts: attemptsJson(result.attempts, truncated),
    correlation: JSON.stringify({
      traceparent: short(result.correlation.traceparent),
      clientRequestId: short(result.correlation.clientRequestId),
      requestId: short(result.correlation.requestId),
    }),
    json: jsonText(result.json, truncated),
    truncated: truncated.length ? truncated.join(",") : null,
  };
  return {
    partitionKey: runPartitionKey(result.job),
    rowKey: `${invertedStartKey(startedMs)}_${tableKey(result.runId, "run id")}`,
    ...withoutNulls(properties),
  };
}

/** A run row read back. */
export function fromRunEntity(entity: Readonly<Record<string, unknown>>): RecordedRun {
  const f = entityFields(entity);
  const truncated = (f.string("truncated") ?? "").split(",").filter(Boolean);
  const status = f.string("status");
  const correlation = f.json("correlation") as Partial<RunResult["correlation"]> | null;
  const attempts = f.json("attempts");
  return {
    runId: f.string("runId") ?? "",
    job: f.string("job") ?? "",
    trigger: f.string("trigger") === "timer" ? "timer" : "manual",
    status: status === "succeeded" || status === "skipped" || status === "timed-out" ? status : "failed",
    startedAt: f.string("startedAt") ?? "",
    durationMs: f.number("durationMs") ?? 0,
    attempts: Array.isArray(attempts) ? (attempts as AttemptResult[]) : [],
    httpStatus: f.number("httpStatus"),
    bytes: f.number("bytes") ?? 0,
    json: truncated.includes("json") ? null : f.json("json"),
    errorBodyExcerpt: f.string("errorBodyExcerpt"),
    errorCode: f.string("errorCode"),
    errorMessage: f.string("errorMessage"),
    correlation: {
      traceparent: typeof correlation?.traceparent === "string" ? correlation.traceparent : "",
      clientRequestId: typeof correlation?.clientRequestId === "string" ? correlation.clientRequestId : "",
      requestId: typeof correlation?.requestId === "string" ? correlation.requestId : null,
    },
    isPastDue: f.boolean("isPastDue") ?? false,
    skippedReason: f.string("skippedReason"),
    truncated,
  };
}

/** Attempts as JSON; when too long, the oldest attempts are dropped (the last ones say how the run ended). */
function attemptsJson(attempts: readonly AttemptResult[], truncated: string[]): string {
  let kept = attempts.map((a) => ({
    ...a,
    error: a.error === null ? null : truncateText(a.error, MAX_SHORT_CHARS).text,
  }));
  let text = JSON.stringify(kept);
  if (text.length > MAX_PROPERTY_CHARS) truncated.push("attempts");
  while (text.length > MAX_PROPERTY_CHARS && kept.length > 0) {
    kept = kept.slice(1);
    text = JSON.stringify(kept);
  }
  return text;
}

/**
 * The response JSON as text. Cut JSON cannot be parsed, so a body over the limit is kept cut (for people reading
 * the table) and marked truncated; readers then get null.
 */
function jsonText(json: unknown, truncated: string[]): string | null {
  let text: string | undefined;
  try {
    text = JSON.stringify(json);
  } catch {
    truncated.push("json");
    return null;
  }
  if (text === undefined || json === null) return null;
  const cut = truncateText(text, MAX_PROPERTY_CHARS);
  if (cut.truncated) truncated.push("json");
  return cut.text;
}
