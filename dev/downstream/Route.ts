/** One endpoint of the downstream stand-in. */
export interface Route {
  /** HTTP method, e.g. "GET". */
  method: string;
  /**
   * The URL path, without query string: exact ("/reports"), or with one whole segment a parameter written
   * `{name}` ("/inventory/{id}"), whose decoded value reaches {@link Route.respond} as `params.name`.
   * Faults for a patterned route are scripted under the pattern ("PUT /inventory/{id}").
   */
  path: string;
  /** App roles of which the token's `roles` claim must hold at least one. Empty: any valid token. */
  requiredRoles: string[];
  /** Default 200. A 204 answers without a body. Ignored when `respond` is given. */
  status?: number;
  /** The JSON body. Default `{}`. Ignored when `respond` is given. */
  json?: unknown;
  /**
   * Answers a request that passed the token and role checks (and any fault), instead of `status` and `json`:
   * for routes whose answer depends on the request or on state, such as a paged change feed.
   */
  respond?: (request: RouteRequest) => RouteAnswer;
}

/** The request as {@link Route.respond} sees it. */
export interface RouteRequest {
  /** Upper case, e.g. "PUT". */
  method: string;
  /** The URL path without the query string, as sent (not the pattern). */
  path: string;
  query: URLSearchParams;
  /** The request body as text ("" when none). */
  body: string;
  /** The value of the path's `{name}` segment, by name; `{}` for an exact path. */
  params: Record<string, string>;
  /** The stand-in's own origin, `https://127.0.0.1:<port>`, for absolute links such as a next page's. */
  baseUrl: string;
  /**
   * The stand-in's error body (`{ error: { code, message, innerError } }`, as Microsoft Graph answers), carrying
   * this request's ids, so a dynamic route's 4xx looks like every other error of the stand-in.
   */
  error: (code: string, message: string) => unknown;
}

/** What {@link Route.respond} answers. */
export interface RouteAnswer {
  /** Default 200. */
  status?: number;
  /** The JSON body; none when absent. */
  json?: unknown;
  headers?: Record<string, string>;
}
