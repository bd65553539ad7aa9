/** The key faults are scripted under: "GET /reports" (method upper case, path without query). */
export function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}

/** Normalises a key as callers write it ("get /reports" → "GET /reports"). Throws for anything else. */
export function parseRouteKey(key: string): string {
  const match = /^\s*([A-Za-z]+)\s+(\/\S*)\s*$/.exec(key);
  if (!match?.[1] || !match[2]) {
    throw new Error(`fault key '${key}' is not of the form "<METHOD> <path>", e.g. "GET /reports"`);
  }
  return routeKey(match[1], match[2]);
}
