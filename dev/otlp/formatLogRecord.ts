import { formatAttributes, formatValue } from "./formatAttributes.js";
import type { ReceivedLogRecord } from "./ReceivedTelemetry.js";

/** Attribute values longer than this are cut in the view (the console line above it has them whole). */
const MAX_VALUE_CHARS = 48;

/** One log record on one line: `Warning  <body>  key=value …` (every attribute: they are the record's properties). */
export function formatLogRecord(record: ReceivedLogRecord): string {
  const body = typeof record.body === "string" ? record.body : formatValue(record.body);
  const attributes = formatAttributes(record.attributes, { maxValueChars: MAX_VALUE_CHARS });
  return [record.severityText ?? "Log", body, ...(attributes ? [attributes] : [])].join("  ");
}
