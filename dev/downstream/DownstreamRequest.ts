import type { FaultKind } from "./Fault.js";

/** How the stand-in dealt with a request. */
export type DownstreamOutcome =
  | "ok"
  /** No bearer token: 401 without error attributes in the challenge. */
  | "missing_token"
  /** A token that failed validation: 401 invalid_token (`errorCode` says why). */
  | "invalid_token"
  /** A valid token without a required role: 403. */
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "bad_request"
  | "payload_too_large"
  /** A fault decided the answer (all kinds but latency, which only delays the normal answer). */
  | "fault"
  /** The client closed the connection before the answer was sent. */
  | "client_closed";

/** One request the downstream stand-in received, recorded when it arrived and completed when answered. */
export interface DownstreamRequest {
  at: Date;
  method: string;
  /** The URL path without the query string. */
  path: string;
  /** The query string with its `?`, or "". */
  query: string;
  /** Lower-case names; `authorization` is recorded as "Bearer <redacted>". */
  headers: Record<string, string>;
  /** The request body as text ("" when none). */
  body: string;
  traceparent: string | null;
  clientRequestId: string | null;
  /** The `x-ms-request-id` the stand-in answered with. */
  requestId: string;
  /** `appid` (v1) or `azp` (v2) of a token that passed validation; null otherwise. */
  appid: string | null;
  /** The `roles` of a token that passed validation; [] otherwise. */
  roles: string[];
  /** The status answered; null while pending and when nothing was answered (reset, hang, client gone). */
  status: number | null;
  outcome: DownstreamOutcome | "pending";
  /** The fault consumed by this request, if any. */
  fault: FaultKind | null;
  /** The error `code` of the answer's body, if it was an error. */
  errorCode: string | null;
}
