import { logs, SeverityNumber, type AnyValueMap } from "@opentelemetry/api-logs";
import { INSTRUMENTATION_SCOPE } from "../telemetry/tracer.js";
import type { LogLevel } from "./Logger.js";

// The global LoggerProvider's logger: a no-op until telemetry registers a provider. Asked per record, because the
// API (unlike traces) has no proxy that would pick up a provider registered later.
const otelLogger = () => logs.getLogger(INSTRUMENTATION_SCOPE);

const SEVERITY: Record<Exclude<LogLevel, "debug">, SeverityNumber> = {
  info: SeverityNumber.INFO,
  warn: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
};
const SEVERITY_TEXT = { info: "Information", warn: "Warning", error: "Error" } as const;

/**
 * Sends one log record to OpenTelemetry with its properties as attributes (custom dimensions in Application
 * Insights), in the active context so it joins the current span's trace. Debug records are not sent.
 */
export function emitLogRecord(level: LogLevel, message: string, properties?: Record<string, unknown>): void {
  if (level === "debug") return;
  otelLogger().emit({
    severityNumber: SEVERITY[level],
    severityText: SEVERITY_TEXT[level],
    body: message,
    ...(properties ? { attributes: toLogAttributes(properties) } : {}),
  });
}

/**
 * Properties as attributes: strings, numbers and booleans as they are, dates as ISO text, arrays of those as
 * arrays, anything else as JSON text (a queryable value, never "[object Object]"). Undefined and null are left out.
 */
export function toLogAttributes(properties: Record<string, unknown>): AnyValueMap {
  const attributes: AnyValueMap = {};
  for (const [key, value] of Object.entries(properties)) {
    const converted = toAttributeValue(value);
    if (converted !== undefined) attributes[key] = converted;
  }
  return attributes;
}

type Scalar = string | number | boolean;

function toAttributeValue(value: unknown): Scalar | Scalar[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (Array.isArray(value) && value.every(isScalar)) return value;
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return `[unserialisable ${typeof value}]`;
  }
}

const isScalar = (value: unknown): value is Scalar =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean";
