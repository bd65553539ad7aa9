/**
 * OTLP/HTTP JSON request bodies (opentelemetry-proto's JSON mapping), as far as the receiver reads them. Every field
 * is optional: the protobuf JSON mapping leaves default values out. 64-bit integers may come as numbers (the
 * JavaScript exporters) or as decimal strings (the proto3 JSON mapping); ids are hex (OTLP's exception to the
 * mapping's base64), though some old exporters sent base64.
 */
export interface OtlpAnyValue {
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: number | string | null;
  doubleValue?: number | string | null;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
  bytesValue?: string;
}

export interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}

type Int64 = number | string;

interface OtlpResource {
  attributes?: OtlpKeyValue[];
}

interface OtlpScope {
  name?: string;
  version?: string;
}

export interface OtlpSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  kind?: number;
  startTimeUnixNano?: Int64;
  endTimeUnixNano?: Int64;
  attributes?: OtlpKeyValue[];
  events?: { name?: string; timeUnixNano?: Int64; attributes?: OtlpKeyValue[] }[];
  status?: { code?: number; message?: string };
  flags?: number;
}

export interface OtlpTraceRequest {
  resourceSpans?: { resource?: OtlpResource; scopeSpans?: { scope?: OtlpScope; spans?: OtlpSpan[] }[] }[];
}

export interface OtlpNumberPoint {
  attributes?: OtlpKeyValue[];
  timeUnixNano?: Int64;
  asInt?: Int64;
  asDouble?: number | string;
}

export interface OtlpHistogramPoint {
  attributes?: OtlpKeyValue[];
  timeUnixNano?: Int64;
  count?: Int64;
  sum?: number | string;
}

export interface OtlpMetric {
  name?: string;
  unit?: string;
  gauge?: { dataPoints?: OtlpNumberPoint[] };
  sum?: { dataPoints?: OtlpNumberPoint[] };
  histogram?: { dataPoints?: OtlpHistogramPoint[] };
  exponentialHistogram?: { dataPoints?: OtlpHistogramPoint[] };
}

export interface OtlpMetricsRequest {
  resourceMetrics?: {
    resource?: OtlpResource;
    scopeMetrics?: { scope?: OtlpScope; metrics?: OtlpMetric[] }[];
  }[];
}

export interface OtlpLogRecord {
  timeUnixNano?: Int64;
  observedTimeUnixNano?: Int64;
  severityNumber?: number;
  severityText?: string;
  body?: OtlpAnyValue;
  attributes?: OtlpKeyValue[];
  traceId?: string;
  spanId?: string;
}

export interface OtlpLogsRequest {
  resourceLogs?: {
    resource?: OtlpResource;
    scopeLogs?: { scope?: OtlpScope; logRecords?: OtlpLogRecord[] }[];
  }[];
}
