import { M2mError } from "../../errors.js";

/** Reads the properties of one object of a Graph answer; a missing or mistyped one is GRAPH_RESPONSE_INVALID. */
export interface DirectoryFields {
  string(name: string): string;
  optionalString(name: string): string | null;
  strings(name: string): string[];
  objects(name: string): DirectoryFields[];
  boolean(name: string, fallback: boolean): boolean;
}

/**
 * The properties of `value`, an object Graph answered `what` with ("the service principal of appId …"), for the
 * parsers of the tenant commands: each asks for what it uses and nothing else, so extra properties never matter.
 */
export function directoryFields(value: unknown, what: string): DirectoryFields {
  const fail = (problem: string): never => {
    throw new M2mError(
      "GRAPH_RESPONSE_INVALID",
      `Microsoft Graph answered ${what} with JSON that is not the object asked for: ${problem}. Check M2M_GRAPH_URL.`,
    );
  };
  if (typeof value !== "object" || value === null || Array.isArray(value)) return fail("not an object");
  const fields = value as Record<string, unknown>;
  const optionalString = (name: string) => {
    const item = fields[name];
    if (item === undefined || item === null) return null;
    return typeof item === "string" ? item : fail(`${name} is not a string`);
  };
  return {
    string(name) {
      return optionalString(name) || fail(`${name} is missing`);
    },
    optionalString,
    strings(name) {
      const item = fields[name] ?? [];
      return Array.isArray(item) && item.every((entry) => typeof entry === "string")
        ? item
        : fail(`${name} is not an array of strings`);
    },
    objects(name) {
      const item = fields[name] ?? [];
      return Array.isArray(item)
        ? item.map((entry, i) => directoryFields(entry, `${what} (${name}[${i}])`))
        : fail(`${name} is not an array`);
    },
    boolean(name, fallback) {
      const item = fields[name];
      if (item === undefined || item === null) return fallback;
      return typeof item === "boolean" ? item : fail(`${name} is not true or false`);
    },
  };
}
