import { existsSync, readFileSync } from "node:fs";
import type { Env } from "../config/Env.js";
import { ConfigurationError } from "../errors.js";

/**
 * The `Values` of a Functions settings file, as `func start` reads local.settings.json: `path` when given (it must
 * exist), else ./local.settings.json when there is one, else none. A file that is not JSON is named in the error.
 */
export function readSettingsFile(path: string | undefined): Env {
  const file = path ?? "local.settings.json";
  if (!existsSync(file)) {
    if (path) throw new ConfigurationError([`--settings ${path}: file not found`]);
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigurationError([`${file} is not JSON (${(error as Error).message})`]);
  }
  const values = (parsed as { Values?: unknown } | null)?.Values;
  if (values === undefined) return {};
  if (typeof values !== "object" || values === null || Array.isArray(values)) {
    throw new ConfigurationError([`${file}: "Values" must be an object of setting names and string values`]);
  }
  return Object.fromEntries(
    Object.entries(values).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
}
