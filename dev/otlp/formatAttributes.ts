import type { PlainAttributes, PlainValue } from "./ReceivedTelemetry.js";

/** Text cut to `maxChars` with an ellipsis (unlimited by default). */
export function clip(text: string, maxChars = Infinity): string {
  return text.length > maxChars ? `${text.slice(0, Math.max(0, maxChars - 1))}…` : text;
}

/**
 * One value as text: a plain word as it is, text with spaces or quotes (or empty) quoted, lists and objects as JSON;
 * longer than `maxChars`, cut with an ellipsis.
 */
export function formatValue(value: PlainValue, maxChars?: number): string {
  if (typeof value === "string")
    return /^[^\s"=]+$/.test(value) ? clip(value, maxChars) : clip(JSON.stringify(value), maxChars);
  if (typeof value === "number")
    return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(3)));
  return clip(JSON.stringify(value), maxChars);
}

/** `key=value key=value`, in the order given; `keys` picks and orders them (absent ones are left out). */
export function formatAttributes(
  attributes: PlainAttributes,
  options: { keys?: readonly string[]; maxValueChars?: number } = {},
): string {
  return (options.keys ?? Object.keys(attributes))
    .filter((key) => Object.hasOwn(attributes, key))
    .map((key) => `${key}=${formatValue(attributes[key] ?? null, options.maxValueChars)}`)
    .join(" ");
}
