import { M2mError } from "../errors.js";

/**
 * Most bytes of UTF-8 JSON a checkpoint may take. Table Storage holds a string property of up to 64 KiB, UTF-16
 * encoded: 32K characters (https://learn.microsoft.com/rest/api/storageservices/understanding-the-table-service-data-model,
 * "Property types"). A string never has more UTF-16 code units than UTF-8 bytes, so 32 KiB of UTF-8 always fits.
 */
export const MAX_CHECKPOINT_BYTES = 32 * 1024;

/**
 * The JSON text of a job's checkpoint, checked to read back as the same value and to fit one Table Storage property.
 * Only JSON data passes: null, booleans, finite numbers, strings, arrays without holes, and plain objects of those.
 * Anything JSON.stringify would drop, change or refuse — undefined, a function, a symbol, NaN, ±Infinity, a BigInt,
 * a Date or other class instance, a cycle — is CHECKPOINT_INVALID; more than MAX_CHECKPOINT_BYTES is
 * CHECKPOINT_TOO_LARGE. Messages name what was found and the size, never the value.
 */
export function checkpointJson(job: string, value: unknown): string {
  const found = unfaithful(value, new Set());
  if (found !== null) {
    throw new M2mError(
      "CHECKPOINT_INVALID",
      `The checkpoint of job '${job}' cannot be stored: it holds ${found}, which JSON does not read back as it was ` +
        `written. A checkpoint is JSON data — null, booleans, finite numbers, strings, arrays and plain objects; keep a ` +
        `Date as its toISOString() and a BigInt as a string.`,
    );
  }
  const json = JSON.stringify(value);
  // Stryker disable next-line StringLiteral: UTF-8 is also Buffer.byteLength's default.
  const bytes = Buffer.byteLength(json, "utf8");
  if (bytes > MAX_CHECKPOINT_BYTES) {
    throw new M2mError(
      "CHECKPOINT_TOO_LARGE",
      `The checkpoint of job '${job}' is ${bytes} bytes of JSON (UTF-8); at most ${MAX_CHECKPOINT_BYTES} bytes ` +
        `(32 KiB) fit. Keep a cursor in it (a timestamp, a delta link, the last id), not the data itself.`,
    );
  }
  return json;
}

/** What in `value` JSON cannot represent faithfully, described without its content; null when nothing. */
function unfaithful(value: unknown, ancestors: Set<object>): string | null {
  switch (typeof value) {
    case "string":
    case "boolean":
      return null;
    case "number":
      return Number.isFinite(value) ? null : String(value);
    case "undefined":
      return "undefined";
    case "function":
      return "a function";
    case "bigint":
      return "a BigInt";
    case "symbol":
      return "a symbol";
  }
  if (value === null) return null;
  const object = value as object;
  if (ancestors.has(object)) return "a circular reference";
  const prototype = Object.getPrototypeOf(object) as object | null;
  if (!Array.isArray(object) && prototype !== Object.prototype && prototype !== null) {
    const name = (prototype as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === "string" && name ? `a ${name} object` : "an object that is not plain";
  }
  if (Object.getOwnPropertySymbols(object).length > 0) return "a symbol-keyed property";
  ancestors.add(object);
  try {
    if (Array.isArray(object)) {
      for (let i = 0; i < object.length; i++) {
        if (!(i in object)) return "an empty array slot";
        const found = unfaithful(object[i], ancestors);
        if (found !== null) return found;
      }
      return null;
    }
    for (const item of Object.values(object)) {
      const found = unfaithful(item, ancestors);
      if (found !== null) return found;
    }
    return null;
  } finally {
    // Only ancestors make a cycle: the same object twice side by side is written (and read back) twice, faithfully.
    ancestors.delete(object);
  }
}
