/** One endpoint of the downstream stand-in. */
export interface Route {
  /** HTTP method, e.g. "GET". */
  method: string;
  /** The exact URL path, without query string, e.g. "/reports". */
  path: string;
  /** App roles of which the token's `roles` claim must hold at least one. Empty: any valid token. */
  requiredRoles: string[];
  /** Default 200. A 204 answers without a body. */
  status?: number;
  /** The JSON body. Default `{}`. */
  json?: unknown;
}
