import { ATTR } from "../../src/telemetry/attributeNames.js";
import { clip, formatAttributes, formatValue } from "./formatAttributes.js";
import { formatLogRecord } from "./formatLogRecord.js";
import type { ReceivedLogRecord, ReceivedSpan } from "./ReceivedTelemetry.js";

/** The attributes a reader follows a run by, in this order; the rest stay in the receiver. */
const KEY_ATTRIBUTES = [
  ATTR.job,
  ATTR.trigger,
  ATTR.outcome,
  ATTR.tokenSource,
  ATTR.attempt,
  ATTR.retry,
  ATTR.vault,
  ATTR.certificateName,
  ATTR.certificateState,
  ATTR.rotationStep,
  ATTR.channel,
  ATTR.httpMethod,
  ATTR.httpStatus,
  "http.status_code", // the Azure SDK's spans use the older name
  ATTR.serverAddress,
  ATTR.errorCode,
  ATTR.errorType,
];

function addTo<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** A duration in milliseconds, whole from 100 ms, one decimal below. */
function formatMs(ms: number): string {
  return ms >= 100 ? `${Math.round(ms)} ms` : `${Math.round(ms * 10) / 10} ms`;
}

/** The Azure SDK's span for one HTTP request of an operation (`TableClient.getEntity` → `HTTP GET`). */
const SDK_REQUEST = /^HTTP [A-Z]+$/;

function spanLine(span: ReceivedSpan, request?: ReceivedSpan): string {
  const attributes = formatAttributes(span.attributes, { keys: KEY_ATTRIBUTES, maxValueChars: 60 });
  // An error's first line: the Azure SDK's messages carry the whole response body.
  const message = span.status.message?.split("\n")[0];
  const error = span.status.code === "error" ? `ERROR${message ? ` ${clip(message, 100)}` : ""}` : "";
  const status = request?.attributes["http.status_code"] ?? request?.attributes[ATTR.httpStatus];
  const folded = request ? `(${request.name}${status === undefined ? "" : ` ${formatValue(status)}`})` : "";
  return [span.name, span.kind, formatMs(span.endTimeMs - span.startTimeMs), attributes, folded, error]
    .filter((part) => part !== "")
    .join("  ");
}

/**
 * Each trace as an indented tree: a `trace <id>` line with the service, then every span under its parent (children
 * in start order) with its kind, duration, key attributes and error status (its first line), and the log records
 * emitted in it (`· Information  …`) under it. An Azure SDK operation whose only child is its one HTTP request is
 * one line, the request in brackets: `TableClient.getEntity  internal  4 ms  (HTTP GET 200)`. A span whose parent was not received (the Functions host's invocation span, or a
 * caller's) starts the tree. Traces are in the order their first span started. Returns the log records that belong
 * to none of these spans.
 */
export function formatTraces(
  spans: readonly ReceivedSpan[],
  logRecords: readonly ReceivedLogRecord[] = [],
): { text: string; unplacedLogs: ReceivedLogRecord[] } {
  const traces = new Map<string, ReceivedSpan[]>();
  const seen = new Set<string>();
  for (const span of spans) {
    const key = `${span.traceId}/${span.spanId}`;
    if (seen.has(key)) continue; // a batch sent again after a lost answer
    seen.add(key);
    addTo(traces, span.traceId, span);
  }
  const logsBySpan = new Map<string, ReceivedLogRecord[]>();
  for (const record of logRecords) {
    if (!record.spanId || !seen.has(`${record.traceId}/${record.spanId}`)) continue;
    addTo(logsBySpan, `${record.traceId}/${record.spanId}`, record);
  }
  const byStart = (a: ReceivedSpan, b: ReceivedSpan) => a.startTimeMs - b.startTimeMs;
  const blocks = [...traces.values()]
    .sort((a, b) => Math.min(...a.map((s) => s.startTimeMs)) - Math.min(...b.map((s) => s.startTimeMs)))
    .map((traceSpans) => {
      const ids = new Set(traceSpans.map((span) => span.spanId));
      const children = new Map<string, ReceivedSpan[]>();
      const roots: ReceivedSpan[] = [];
      for (const span of traceSpans) {
        if (span.parentSpanId && ids.has(span.parentSpanId)) {
          addTo(children, span.parentSpanId, span);
        } else roots.push(span);
      }
      const lines: string[] = [];
      const logsOf = (span: ReceivedSpan) => logsBySpan.get(`${span.traceId}/${span.spanId}`) ?? [];
      const walk = (span: ReceivedSpan, depth: number) => {
        const indent = "  ".repeat(depth);
        const under = (children.get(span.spanId) ?? []).sort(byStart);
        // An SDK operation that took one HTTP request is one line: the request's status shown on the operation's.
        const only = under.length === 1 ? under[0]! : undefined;
        const request =
          only && SDK_REQUEST.test(only.name) && !children.has(only.spanId) && logsOf(only).length === 0
            ? only
            : undefined;
        lines.push(`${indent}${spanLine(span, request)}`);
        for (const record of logsOf(span)) lines.push(`${indent}  · ${formatLogRecord(record)}`);
        if (!request) for (const child of under) walk(child, depth + 1);
      };
      for (const root of roots.sort(byStart)) walk(root, 1);
      const first = roots[0] ?? traceSpans[0]!;
      const service = first.resource["service.name"];
      return [`trace ${first.traceId}${typeof service === "string" ? `  ${service}` : ""}`, ...lines].join(
        "\n",
      );
    });
  const placed = new Set([...logsBySpan.values()].flat());
  return { text: blocks.join("\n\n"), unplacedLogs: logRecords.filter((record) => !placed.has(record)) };
}
