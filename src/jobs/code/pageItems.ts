import { JobError } from "./JobError.js";

/**
 * Pure: the items of one page of a list — the body itself when it is an array, else its `value` array (OData, Graph).
 * Anything else is not a page: RESPONSE_NOT_A_PAGE, naming the request (`where`) and what the body was.
 */
export function pageItems<T>(body: unknown, where: string): T[] {
  if (Array.isArray(body)) return body as T[];
  if (typeof body === "object" && body !== null) {
    const value = (body as Record<string, unknown>).value;
    if (Array.isArray(value)) return value as T[];
  }
  throw new JobError(
    "RESPONSE_NOT_A_PAGE",
    `${where}: expected a page of a list (a JSON array, or an object with a "value" array); got ${shape(body)}.`,
  );
}

/** What a body is, without its content. */
function shape(body: unknown): string {
  if (body === null) return "null";
  if (typeof body !== "object") return `a ${typeof body}`;
  const keys = Object.keys(body);
  return keys.length === 0
    ? "an empty object"
    : `an object with ${keys
        .slice(0, 5)
        .map((key) => JSON.stringify(key))
        .join(", ")}${keys.length > 5 ? ", …" : ""}`;
}
