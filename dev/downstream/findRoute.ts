import { matchRoutePath } from "./matchRoutePath.js";
import type { Route } from "./Route.js";

/** Which route answers a request, and which methods its path allows (for 405's `Allow`). */
export interface RouteLookup {
  /** The route for this method and path, with its path parameters; null for a 404 or 405. */
  match: { route: Route; params: Record<string, string> } | null;
  /** Upper-case methods of every route whose path matches, in route order; [] for an unknown path. */
  allowed: string[];
}

/**
 * Finds the route for `method` and `pathname`. An exact path wins over a pattern, so `/inventory/export` can be
 * served beside `/inventory/{id}` whatever the order of the routes.
 */
export function findRoute(routes: readonly Route[], method: string, pathname: string): RouteLookup {
  const matching = routes
    .map((route) => ({ route, params: matchRoutePath(route.path, pathname) }))
    .filter((found): found is { route: Route; params: Record<string, string> } => found.params !== null);
  const forMethod = matching.filter(({ route }) => route.method.toUpperCase() === method);
  const match = forMethod.find(({ route }) => !route.path.includes("{")) ?? forMethod[0] ?? null;
  return { match, allowed: [...new Set(matching.map(({ route }) => route.method.toUpperCase()))] };
}
