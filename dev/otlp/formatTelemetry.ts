import { formatLogRecord } from "./formatLogRecord.js";
import { formatMetricTable } from "./formatMetricTable.js";
import { formatTraces } from "./formatTraces.js";
import type { ReceivedTelemetry } from "./ReceivedTelemetry.js";

/**
 * The text view of received telemetry, for `npm run dev -- --telemetry` and test failures: each trace as an indented
 * tree with its log records under the spans they were emitted in, then the log records outside any received span,
 * then the metric table (the newest value of each series). Sections with nothing in them are left out; no telemetry
 * is empty text.
 */
export function formatTelemetry(telemetry: Partial<ReceivedTelemetry>): string {
  const { text: traces, unplacedLogs } = formatTraces(telemetry.spans ?? [], telemetry.logRecords ?? []);
  const logs =
    unplacedLogs.length > 0
      ? [
          "logs outside a received span",
          ...unplacedLogs.map((record) => `  ${formatLogRecord(record)}`),
        ].join("\n")
      : "";
  return [traces, logs, formatMetricTable(telemetry.metricPoints ?? [])]
    .filter((text) => text !== "")
    .join("\n\n");
}
