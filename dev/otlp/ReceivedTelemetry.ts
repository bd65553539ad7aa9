/** An OTLP AnyValue as plain JavaScript: bytes as their base64 text, a key-value list as an object. */
export type PlainValue = string | number | boolean | null | PlainValue[] | { [key: string]: PlainValue };

/** OTLP attributes (a list of key-value pairs) as one object. */
export type PlainAttributes = Record<string, PlainValue>;

/** OTLP's span kinds, by name (the enum's UNSPECIFIED is "unspecified"). */
export type SpanKindName = "unspecified" | "internal" | "server" | "client" | "producer" | "consumer";

/** One span as an exporter sent it, decoded. Times are milliseconds since the epoch. */
export interface ReceivedSpan {
  /** 32 lowercase hex digits, as `span.spanContext().traceId`. */
  traceId: string;
  /** 16 lowercase hex digits, as `span.spanContext().spanId`. */
  spanId: string;
  /** Absent for a root span. */
  parentSpanId?: string;
  /** The parent came from another process (a `traceparent` header): this span is its process's root. */
  remoteParent: boolean;
  name: string;
  kind: SpanKindName;
  startTimeMs: number;
  endTimeMs: number;
  attributes: PlainAttributes;
  status: { code: "unset" | "ok" | "error"; message?: string };
  events: { name: string; timeMs: number; attributes: PlainAttributes }[];
  /** The instrumentation scope's name (the app's is "m2m-functions"). */
  scope: string;
  /** The resource's attributes: `service.name` and the like. */
  resource: PlainAttributes;
}

/**
 * One metric data point, decoded and flattened. An exporter with cumulative temporality (the default) sends every
 * series again at each export: the newest point of a series is its current value.
 */
export interface ReceivedMetricPoint {
  name: string;
  unit: string;
  /** An exponential histogram is a "histogram" too. */
  type: "gauge" | "sum" | "histogram";
  attributes: PlainAttributes;
  /** The gauge's or sum's value; for a histogram, the count of recordings. */
  value: number;
  /** A histogram's sum of recordings (absent for gauges and sums, and when the exporter left it out). */
  sum?: number;
  /** When the point was taken. */
  timeMs: number;
  resource: PlainAttributes;
}

/** One log record, decoded. */
export interface ReceivedLogRecord {
  body: PlainValue;
  severityText?: string;
  severityNumber?: number;
  attributes: PlainAttributes;
  /** Absent when the record was emitted outside a span. */
  traceId?: string;
  spanId?: string;
  timeMs: number;
  scope: string;
  resource: PlainAttributes;
}

/** Everything a receiver has kept, oldest first. */
export interface ReceivedTelemetry {
  spans: readonly ReceivedSpan[];
  metricPoints: readonly ReceivedMetricPoint[];
  logRecords: readonly ReceivedLogRecord[];
}
