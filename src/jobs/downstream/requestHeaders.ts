import type { JobRequest } from "../JobDefinition.js";
import { USER_AGENT } from "./userAgent.js";

/** Correlation for one attempt: the run's client request id and this attempt's traceparent. */
export interface AttemptCorrelation {
  traceparent: string;
  clientRequestId: string;
}

/**
 * The headers of one attempt: the job's own headers, then the bearer token and correlation headers, which win
 * over a job header of the same name. A job's `user-agent` and `content-type` are kept (an API may require a
 * particular agent, a PATCH may need `application/merge-patch+json`). Throws a TypeError for an invalid header.
 */
export function requestHeaders(request: JobRequest, token: string, correlation: AttemptCorrelation): Headers {
  const headers = new Headers(request.headers);
  headers.set("authorization", `Bearer ${token}`);
  headers.set("traceparent", correlation.traceparent);
  headers.set("x-ms-client-request-id", correlation.clientRequestId);
  headers.set("return-client-request-id", "true");
  if (!headers.has("user-agent")) headers.set("user-agent", USER_AGENT);
  if (request.body !== null && !headers.has("content-type")) headers.set("content-type", "application/json");
  return headers;
}
