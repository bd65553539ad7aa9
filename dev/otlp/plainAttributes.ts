import type { OtlpKeyValue } from "./OtlpJson.js";
import type { PlainAttributes } from "./ReceivedTelemetry.js";
import { plainValue } from "./plainValue.js";

/** OTLP attributes (key-value pairs) as one object of plain values. */
export function plainAttributes(list: readonly OtlpKeyValue[] | undefined): PlainAttributes {
  const attributes: PlainAttributes = {};
  for (const { key, value } of list ?? []) attributes[key] = plainValue(value);
  return attributes;
}
