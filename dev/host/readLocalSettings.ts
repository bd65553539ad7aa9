import { existsSync, readFileSync } from "node:fs";

/**
 * The `Values` of local.settings.json, as `func start` reads them. A missing default file is no settings; a file
 * named explicitly must exist. `IsEncrypted: true` files are Core Tools' own format and are refused.
 */
export function readLocalSettings(path: string | undefined): Record<string, string> {
  const file = path ?? "local.settings.json";
  if (!existsSync(file)) {
    if (path) throw new Error(`--settings ${path}: file not found.`);
    return {};
  }
  const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
  if (typeof parsed !== "object" || parsed === null) throw new Error(`${file}: expected a JSON object.`);
  if (Reflect.get(parsed, "IsEncrypted") === true) {
    throw new Error(`${file} is encrypted (func settings encrypt); decrypt it with func settings decrypt.`);
  }
  const values: unknown = Reflect.get(parsed, "Values");
  const settings: Record<string, string> = {};
  if (typeof values !== "object" || values === null) return settings;
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === "string") settings[name] = value;
    else if (typeof value === "number" || typeof value === "boolean") settings[name] = String(value);
  }
  return settings;
}
