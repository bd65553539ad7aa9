/**
 * What an HTTP endpoint asks of its caller.
 * - `read`: a function key (any key the host accepts on a function-level route), or an Entra principal with the
 *   reader role (the operator role includes it).
 * - `operate`: the host's admin (master) key, or an Entra principal with the operator role. For endpoints that change
 *   state: a renewal, a job run, a token for a scope the app was not configured with.
 */
export type AccessLevel = "read" | "operate";

/** The level one request needs, and why it needs more than reading when that depends on the request. */
export interface EndpointNeed {
  readonly level: AccessLevel;
  /** Said in a 403: why this request needs an operator ("a token for a scope that is not configured"). */
  readonly reason?: string;
}
