import type { AppInsightsItem, ReceivedAppInsights } from "./AppInsightsItem.js";

/** The name a reader knows an item by: a span's or metric's name, a log record's message, an exception's type. */
function nameOf(item: AppInsightsItem): string {
  switch (item.type) {
    case "message":
      return item.message;
    case "exception":
      return item.exceptions[0]?.typeName ?? "";
    case "other":
      return item.baseType;
    default:
      return item.name;
  }
}

/**
 * What the stand-in holds, in one sentence: the requests by status, then the accepted items by type with their names
 * (the first few). For messages, when what a test waited for did not arrive.
 */
export function describeAppInsights(received: ReceivedAppInsights, limit = 12): string {
  const statuses = new Map<number, number>();
  for (const attempt of received.attempts)
    statuses.set(attempt.status, (statuses.get(attempt.status) ?? 0) + 1);
  const requests =
    received.attempts.length === 0
      ? "no requests"
      : `${received.attempts.length} request(s) (${[...statuses].map(([status, n]) => `${status} ×${n}`).join(", ")})`;
  const byType = new Map<string, Set<string>>();
  for (const item of received.items) {
    const names = byType.get(item.type) ?? new Set<string>();
    names.add(nameOf(item));
    byType.set(item.type, names);
  }
  const kinds = [...byType].map(([type, names]) => {
    const listed = [...names].slice(0, limit).map((name) => JSON.stringify(name));
    const more = names.size > limit ? `, … ${names.size - limit} more` : "";
    return `${type}: ${listed.join(", ")}${more}`;
  });
  const refused = received.attempts.flatMap((attempt) => attempt.refusals).slice(0, 3);
  return [
    requests,
    received.items.length === 0
      ? "no items accepted"
      : `${received.items.length} item(s) — ${kinds.join("; ")}`,
    ...(refused.length > 0 ? [`refusals: ${refused.join(" | ")}`] : []),
  ].join("; ");
}
