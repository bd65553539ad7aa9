import type { Deadline } from "../../clock/Deadline.js";

/** A Graph read: the path under /v1.0 with its query, and what to do when Graph refuses it. */
export interface GraphRead {
  /** `/applications(appId='…')?$select=id,appId`. */
  path: string;
  /** Appended to a 403's message: the permission (or directory role) the person needs, and the way round it. */
  forbiddenFix: string;
}

/** A Graph write the CLI plans: what `--dry-run` prints and what the client sends. */
export interface GraphWrite extends GraphRead {
  method: "POST" | "PATCH";
  body: unknown;
  /** What the write does, in words: "assign app role Reports.Read.All of api://reports to m2m-functions". */
  purpose: string;
}

/**
 * The slice of Microsoft Graph the tenant commands use, as the signed-in person. Every call is bounded by
 * `deadline` and fails with a coded error (GRAPH_FORBIDDEN with the request's fix, GRAPH_REJECTED,
 * GRAPH_UNAVAILABLE, GRAPH_UNREACHABLE, GRAPH_RESPONSE_INVALID, SIGN_IN_UNAVAILABLE, TIMED_OUT).
 */
export interface GraphPort {
  /** The object at `path`, or null when Graph answers 404. */
  get(read: GraphRead, deadline: Deadline): Promise<unknown>;
  /** Every item of the collection at `path`, following `@odata.nextLink` to the last page. */
  list(read: GraphRead, deadline: Deadline): Promise<unknown[]>;
  /** Sends a write; Graph's JSON answer, or null for 204 No Content. */
  send(write: GraphWrite, deadline: Deadline): Promise<unknown>;
  /** The absolute URL of a path, as `--dry-run` prints it and `@odata.id` references name objects. */
  urlOf(path: string): string;
}
