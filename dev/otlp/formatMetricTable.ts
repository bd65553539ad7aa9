import { formatAttributes, formatValue } from "./formatAttributes.js";
import type { ReceivedMetricPoint } from "./ReceivedTelemetry.js";

function seriesKey(point: ReceivedMetricPoint): string {
  return `${point.name}\u0000${JSON.stringify(Object.entries(point.attributes).sort(([a], [b]) => a.localeCompare(b)))}`;
}

/**
 * The newest point of each series (metric name and attributes) as a table sorted by name: name, unit, value (a
 * histogram's count and sum) and attributes, columns aligned. Empty text for no points.
 */
export function formatMetricTable(points: readonly ReceivedMetricPoint[]): string {
  const latest = new Map<string, ReceivedMetricPoint>();
  for (const point of points) latest.set(seriesKey(point), point);
  if (latest.size === 0) return "";
  const rows = [...latest.values()]
    .map((point) => [
      point.name,
      point.unit,
      point.type === "histogram"
        ? `count=${point.value}${point.sum === undefined ? "" : ` sum=${formatValue(point.sum)}`}`
        : formatValue(point.value),
      formatAttributes(point.attributes),
    ])
    .sort((a, b) => a[0]!.localeCompare(b[0]!) || a[3]!.localeCompare(b[3]!));
  const table = [["metric", "unit", "value", "attributes"], ...rows];
  const widths = [0, 1, 2].map((column) => Math.max(...table.map((row) => row[column]!.length)));
  return table
    .map((row) =>
      row
        .map((cell, column) => (column < 3 ? cell.padEnd(widths[column]!) : cell))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
