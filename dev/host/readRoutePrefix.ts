import { existsSync, readFileSync } from "node:fs";

/** `extensions.http.routePrefix` from host.json, or undefined when the file or the setting is absent. */
export function readRoutePrefix(hostJsonPath = "host.json"): string | undefined {
  if (!existsSync(hostJsonPath)) return undefined;
  const parsed: unknown = JSON.parse(readFileSync(hostJsonPath, "utf8"));
  const get = (value: unknown, key: string): unknown =>
    typeof value === "object" && value !== null ? Reflect.get(value, key) : undefined;
  const prefix = get(get(get(parsed, "extensions"), "http"), "routePrefix");
  return typeof prefix === "string" ? prefix : undefined;
}
