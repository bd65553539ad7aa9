/** A whole path segment that is a parameter: `{id}`. */
const PARAMETER = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/**
 * The parameters of `pathname` under a route's `pattern` ("/inventory/{id}" and "/inventory/item-001" give
 * `{ id: "item-001" }`), `{}` for an exact path that matches, or null. A parameter matches one non-empty segment,
 * percent-decoded; a segment that does not decode does not match (the stand-in then answers 404).
 */
export function matchRoutePath(pattern: string, pathname: string): Record<string, string> | null {
  if (!pattern.includes("{")) return pattern === pathname ? {} : null;
  const expected = pattern.split("/");
  const actual = pathname.split("/");
  if (expected.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (const [index, segment] of expected.entries()) {
    const given = actual[index] ?? "";
    const name = PARAMETER.exec(segment)?.[1];
    if (name === undefined) {
      if (segment !== given) return null;
      continue;
    }
    if (!given) return null;
    try {
      params[name] = decodeURIComponent(given);
    } catch {
      return null;
    }
  }
  return params;
}

/**
 * Throws unless `path` is a route path the stand-in can match: starting with "/", with at most one parameter, written
 * as a whole segment `{name}`. Checked when the stand-in starts, so a typo fails there and not as a puzzling 404.
 */
export function checkRoutePath(path: string): void {
  const segments = path.split("/");
  const braced = segments.filter((segment) => segment.includes("{") || segment.includes("}"));
  const malformed = braced.find((segment) => !PARAMETER.test(segment));
  if (!path.startsWith("/") || malformed !== undefined || braced.length > 1) {
    throw new Error(
      `route path '${path}' is not supported: use an exact path ("/reports") or one whole segment parameter ("/inventory/{id}")`,
    );
  }
}
