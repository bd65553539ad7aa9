/**
 * `extensions.http.routePrefix` of a host.json text: "api" when the file is missing (null), unreadable or does not set
 * it, as the host does; without surrounding slashes ("" serves routes at the root).
 */
export function routePrefixOf(hostJson: string | null): string {
  let parsed: unknown;
  try {
    // A missing file (null) reads as the JSON text "null": no settings, the same as a file that does not set it.
    parsed = JSON.parse(String(hostJson));
  } catch {
    // Unreadable: `parsed` stays undefined, which sets nothing either.
  }
  const get = (value: unknown, key: string): unknown =>
    typeof value === "object" && value !== null ? Reflect.get(value, key) : undefined;
  const prefix = get(get(get(parsed, "extensions"), "http"), "routePrefix");
  return typeof prefix === "string" ? prefix.replace(/^\/+|\/+$/g, "") : "api";
}
