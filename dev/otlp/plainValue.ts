import type { OtlpAnyValue } from "./OtlpJson.js";
import type { PlainValue } from "./ReceivedTelemetry.js";
import { plainAttributes } from "./plainAttributes.js";

/**
 * An OTLP AnyValue as a plain value. 64-bit integers sent as decimal strings become numbers (exact up to 2^53);
 * doubles sent as "NaN" or "Infinity" (the proto3 JSON mapping) become those numbers; an empty AnyValue is null.
 */
export function plainValue(value: OtlpAnyValue | undefined): PlainValue {
  if (!value) return null;
  if (value.stringValue != null) return value.stringValue;
  if (value.boolValue != null) return value.boolValue;
  if (value.intValue != null) return Number(value.intValue);
  if (value.doubleValue != null) return Number(value.doubleValue);
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(plainValue);
  if (value.kvlistValue) return plainAttributes(value.kvlistValue.values);
  if (value.bytesValue != null) return value.bytesValue;
  return null;
}
