import type { ReceivedTelemetry } from "./ReceivedTelemetry.js";

/** "name ×3, other" for a list of names, in first-seen order, the first `limit` of them. */
function countNames(names: readonly string[], limit = 20): string {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  const listed = [...counts]
    .slice(0, limit)
    .map(([name, count]) => (count > 1 ? `${name} ×${count}` : name || '""'));
  return counts.size > limit ? `${listed.join(", ")}, … ${counts.size - limit} more` : listed.join(", ");
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;

/**
 * What a receiver holds, in one sentence: counts, span and metric names and log bodies. For messages, when
 * what a test waited for did not arrive.
 */
export function describeTelemetry(telemetry: ReceivedTelemetry): string {
  const { spans, metricPoints, logRecords } = telemetry;
  const part = (n: number, what: string, names: readonly string[]) =>
    n === 0 ? `no ${what}s` : `${count(n, what)} (${countNames(names)})`;
  return [
    part(
      spans.length,
      "span",
      spans.map((span) => span.name),
    ),
    part(
      metricPoints.length,
      "metric point",
      metricPoints.map((point) => point.name),
    ),
    part(
      logRecords.length,
      "log record",
      logRecords.map((record) =>
        typeof record.body === "string" ? record.body : JSON.stringify(record.body),
      ),
    ),
  ].join("; ");
}
