import { compareRoutes, compileRoute, type CompiledRoute } from "./compileRoute.js";
import type { LocalFunction } from "./describeFunction.js";

export interface HttpRoute {
  readonly fn: LocalFunction;
  readonly route: CompiledRoute;
}

/**
 * Finds the HTTP function for a method and path as the host's router does: the most specific matching template
 * first; a route whose methods do not include the request's is passed over (so the answer is 404, not 405).
 */
export class HttpRouter {
  readonly routes: readonly HttpRoute[];

  /** Throws naming every invalid template and every pair of functions that claim the same route and method. */
  constructor(functions: readonly LocalFunction[]) {
    const problems: string[] = [];
    const routes: HttpRoute[] = [];
    for (const fn of functions) {
      if (fn.route === undefined) continue;
      try {
        routes.push({ fn, route: compileRoute(fn.route) });
      } catch (error) {
        problems.push(`${fn.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    for (const [at, a] of routes.entries()) {
      for (const b of routes.slice(at + 1)) {
        if (a.route.template.toLowerCase() !== b.route.template.toLowerCase()) continue;
        const [am, bm] = [a.fn.methods ?? [], b.fn.methods ?? []];
        if (am.length === 0 || bm.length === 0 || am.some((m) => bm.includes(m))) {
          problems.push(
            `${a.fn.name} and ${b.fn.name} both claim the route "${a.route.template}" for the same method.`,
          );
        }
      }
    }
    if (problems.length > 0) throw new Error(`Invalid HTTP routes:\n- ${problems.join("\n- ")}`);
    this.routes = routes.sort((a, b) => compareRoutes(a.route, b.route));
  }

  /** `path`: percent-encoded, after the route prefix. */
  find(method: string, path: string): { route: HttpRoute; params: Record<string, string> } | undefined {
    const trimmed = path.replace(/^\/+|\/+$/g, "");
    const upper = method.toUpperCase();
    for (const route of this.routes) {
      const methods = route.fn.methods ?? [];
      if (methods.length > 0 && !methods.includes(upper)) continue;
      const params = route.route.match(trimmed);
      if (params) return { route, params };
    }
    return undefined;
  }
}
