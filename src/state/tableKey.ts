import { M2mError } from "../errors.js";

/**
 * A value checked for use as a PartitionKey or RowKey: Table Storage forbids '/', '\', '#', '?' and control
 * characters, and keys longer than 1 KiB. Job names (letters, digits, dashes) and UUID run ids always pass.
 */
export function tableKey(value: string, what: string): string {
  if (!isTableKey(value)) {
    throw new M2mError(
      "STATE_INVALID_KEY",
      `The ${what} '${value.slice(0, 100)}' cannot be a Table Storage key: expected 1 to 512 characters without ` +
        `'/', '\\', '#', '?' or control characters.`,
    );
  }
  return value;
}

/** True when Table Storage accepts `value` as a key. */
export function isTableKey(value: string): boolean {
  // eslint-disable-next-line no-control-regex
  return value.length > 0 && value.length <= 512 && !/[/\\#?\u0000-\u001f\u007f-\u009f]/.test(value);
}
