import type { AppInsightsItem } from "./AppInsightsItem.js";

/** What the ingestion endpoint does with one envelope: keep it as an item, or refuse it with a 400 and why. */
export type EnvelopeOutcome = { item: AppInsightsItem } | { error: string };

/** The ingestion endpoint takes no item older than this ("doesn't accept any records older than 48 hours"). */
const MAX_AGE_MS = 48 * 60 * 60 * 1000;

/** The data types Application Insights ingests (the Breeze envelope's `data.baseType`). */
const BASE_TYPES = new Set([
  "RequestData",
  "RemoteDependencyData",
  "MessageData",
  "MetricData",
  "ExceptionData",
  "EventData",
  "AvailabilityData",
  "PageViewData",
  "PageViewPerformanceData",
]);

type Fields = Readonly<Record<string, unknown>>;

const isFields = (value: unknown): value is Fields =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Checks one envelope as the ingestion endpoint does and decodes it: the instrumentation key must be the component's
 * ("Invalid instrumentation key", the message the exporter looks for), `name` and `time` (no older than 48 hours) are
 * required, `data.baseType` must be a known type and its `baseData` must have that type's required fields (the Breeze
 * schema: RequestData id, duration, responseCode, success; RemoteDependencyData name, duration; MessageData message;
 * MetricData metrics with name and value; ExceptionData exceptions; EventData name). Error wording other than the key's
 * is the stand-in's.
 */
export function decodeEnvelope(
  envelope: unknown,
  instrumentationKey: string,
  nowMs: number,
): EnvelopeOutcome {
  if (!isFields(envelope)) return { error: "The item is not a JSON object (an envelope)." };
  const iKey = envelope.iKey;
  if (typeof iKey !== "string" || iKey.toLowerCase() !== instrumentationKey.toLowerCase()) {
    return { error: "Invalid instrumentation key" };
  }
  const missing = (field: string, type: string) => ({
    error: `Field '${field}' on type '${type}' is required.`,
  });
  if (typeof envelope.name !== "string" || envelope.name === "") return missing("name", "Envelope");
  if (typeof envelope.time !== "string") return missing("time", "Envelope");
  const timeMs = Date.parse(envelope.time);
  if (Number.isNaN(timeMs))
    return { error: `Field 'time' on type 'Envelope' is not a date: '${envelope.time}'.` };
  if (nowMs - timeMs > MAX_AGE_MS) {
    return { error: `Field 'time' on type 'Envelope' is older than 48 hours: '${envelope.time}'.` };
  }
  const data = envelope.data;
  if (!isFields(data)) return missing("data", "Envelope");
  const baseType = data.baseType;
  if (typeof baseType !== "string" || !BASE_TYPES.has(baseType)) {
    return { error: `Field 'baseType' on type 'Data' is not a known type: '${String(baseType)}'.` };
  }
  const base = data.baseData;
  if (!isFields(base)) return missing("baseData", "Data");

  const tags = stringRecord(envelope.tags);
  const common = {
    envelopeName: envelope.name,
    iKey,
    time: envelope.time,
    tags,
    cloudRole: tags["ai.cloud.role"],
    operationId: tags["ai.operation.id"],
    parentId: tags["ai.operation.parentId"],
    properties: stringRecord(base.properties),
  };
  const text = (field: string) => (typeof base[field] === "string" ? base[field] : null);
  switch (baseType) {
    case "RequestData": {
      const [id, duration, responseCode] = [text("id"), text("duration"), text("responseCode")];
      if (id === null) return missing("id", baseType);
      if (duration === null) return missing("duration", baseType);
      if (responseCode === null) return missing("responseCode", baseType);
      if (typeof base.success !== "boolean") return missing("success", baseType);
      return {
        item: {
          ...common,
          type: "request",
          id,
          name: text("name") ?? "",
          duration,
          success: base.success,
          responseCode,
        },
      };
    }
    case "RemoteDependencyData": {
      const [name, duration] = [text("name"), text("duration")];
      if (name === null) return missing("name", baseType);
      if (duration === null) return missing("duration", baseType);
      return {
        item: {
          ...common,
          type: "dependency",
          id: text("id") ?? "",
          name,
          duration,
          success: base.success !== false,
          resultCode: text("resultCode") ?? "",
          dependencyType: text("type") ?? "",
          target: text("target") ?? "",
          data: text("data") ?? "",
        },
      };
    }
    case "MessageData": {
      const message = text("message");
      if (message === null) return missing("message", baseType);
      return { item: { ...common, type: "message", message, severityLevel: text("severityLevel") ?? "" } };
    }
    case "MetricData": {
      // "Only one metric in the list is currently supported by Application Insights storage": the first is kept.
      const metrics = Array.isArray(base.metrics) ? (base.metrics as unknown[]) : [];
      const [metric] = metrics;
      if (!isFields(metric)) return missing("metrics", baseType);
      if (typeof metric.name !== "string") return missing("name", "DataPoint");
      if (typeof metric.value !== "number") return missing("value", "DataPoint");
      const optional = (value: unknown) => (typeof value === "number" ? value : undefined);
      return {
        item: {
          ...common,
          type: "metric",
          name: metric.name,
          value: metric.value,
          count: optional(metric.count),
          min: optional(metric.min),
          max: optional(metric.max),
        },
      };
    }
    case "ExceptionData": {
      if (!Array.isArray(base.exceptions) || base.exceptions.length === 0)
        return missing("exceptions", baseType);
      const exceptions = (base.exceptions as unknown[]).filter(isFields).map((entry) => ({
        typeName: typeof entry.typeName === "string" ? entry.typeName : "",
        message: typeof entry.message === "string" ? entry.message : "",
      }));
      return {
        item: { ...common, type: "exception", severityLevel: text("severityLevel") ?? undefined, exceptions },
      };
    }
    case "EventData": {
      const name = text("name");
      if (name === null) return missing("name", baseType);
      return { item: { ...common, type: "event", name } };
    }
    default:
      return { item: { ...common, type: "other", baseType, baseData: base } };
  }
}

/** A tags or properties map with every value as a string (customDimensions are strings); absent values dropped. */
function stringRecord(value: unknown): Record<string, string> {
  const record: Record<string, string> = {};
  if (!isFields(value)) return record;
  for (const [key, entry] of Object.entries(value)) {
    if (entry === undefined || entry === null) continue;
    record[key] = typeof entry === "string" ? entry : JSON.stringify(entry);
  }
  return record;
}
