import { formatMetricTable } from "./formatMetricTable.js";
import { formatTelemetry } from "./formatTelemetry.js";
import type { OtlpReceiver } from "./startOtlpReceiver.js";
import type { ReceivedLogRecord, ReceivedSpan } from "./ReceivedTelemetry.js";

export interface FollowTelemetryOptions {
  /** Where the view goes (default: console.log). */
  write?: (text: string) => void;
  /** How often to look for complete traces (default 1000 ms). */
  intervalMs?: number;
  /** How often the metric table is shown when it changed (default 30 s); it is always shown at the end. */
  metricsEveryMs?: number;
}

export interface TelemetryFollower {
  /** Stops following and writes what was not shown yet: open traces, log records, and the metric table. */
  stop(): void;
}

/** A span that starts its process's part of a trace: no parent, or a parent in another process. */
const isLocalRoot = (span: ReceivedSpan) => !span.parentSpanId || span.remoteParent;

/**
 * Writes the receiver's telemetry as it arrives, for `npm run dev -- --telemetry`: each trace once its root span has
 * been received and one more interval has passed (its log records and any child exported in a later batch join it),
 * log records outside traces, and the metric table every `metricsEveryMs` when a value changed.
 */
export function followTelemetry(
  receiver: Pick<OtlpReceiver, "spans" | "metricPoints" | "logRecords">,
  options: FollowTelemetryOptions = {},
): TelemetryFollower {
  const write = options.write ?? ((text: string) => console.log(text));
  const metricsEveryTicks = Math.max(
    1,
    Math.round((options.metricsEveryMs ?? 30_000) / (options.intervalMs ?? 1000)),
  );
  let tick = 0;
  /** The tick a trace's root was first seen at; removed once shown. */
  const rootSeen = new Map<string, number>();
  const shownTraces = new Set<string>();
  const shownSpans = new WeakSet<ReceivedSpan>();
  const shownLogs = new WeakSet<ReceivedLogRecord>();
  /** The tick a log record was first seen at, so one whose trace never completes is still shown. */
  const logSeen = new WeakMap<ReceivedLogRecord, number>();
  let shownTable = "";

  const show = (spans: readonly ReceivedSpan[], logRecords: readonly ReceivedLogRecord[]) => {
    for (const span of spans) shownSpans.add(span);
    for (const record of logRecords) shownLogs.add(record);
    const text = formatTelemetry({ spans, logRecords });
    if (text) write(`\n${text}\n`);
  };
  const showMetrics = (force: boolean) => {
    const table = formatMetricTable(receiver.metricPoints());
    if (!table || (table === shownTable && !force)) return;
    shownTable = table;
    write(`\nmetrics (the newest value of each series)\n${table}\n`);
  };

  const step = (final: boolean) => {
    tick += 1;
    const spans = receiver.spans().filter((span) => !shownSpans.has(span));
    const logRecords = receiver.logRecords().filter((record) => !shownLogs.has(record));
    for (const span of spans) {
      if (isLocalRoot(span) && !shownTraces.has(span.traceId) && !rootSeen.has(span.traceId)) {
        rootSeen.set(span.traceId, tick);
      }
    }
    for (const record of logRecords) if (!logSeen.has(record)) logSeen.set(record, tick);
    const ready = new Set(
      [...rootSeen].filter(([, seenAt]) => final || seenAt < tick).map(([traceId]) => traceId),
    );
    // A span exported after its trace was shown (or, at the end, of a trace whose root never came) is shown too.
    for (const span of spans) if (final || shownTraces.has(span.traceId)) ready.add(span.traceId);
    for (const traceId of ready) {
      rootSeen.delete(traceId);
      shownTraces.add(traceId);
    }
    // A log record waits for its trace a few ticks at most: its spans may never come (sampled out, still open).
    const waitsForTrace = (record: ReceivedLogRecord) =>
      !final &&
      record.traceId !== undefined &&
      !shownTraces.has(record.traceId) &&
      (logSeen.get(record) ?? tick) > tick - 3;
    show(
      spans.filter((span) => ready.has(span.traceId)),
      logRecords.filter((record) => !waitsForTrace(record)),
    );
    if (final || tick % metricsEveryTicks === 0) showMetrics(final);
  };

  const timer = setInterval(() => step(false), options.intervalMs ?? 1000);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      step(true);
    },
  };
}
