import { scrubSecrets } from "../../net/scrubSecrets.js";
import type { JobRequest } from "../JobDefinition.js";
import { describeNetworkError, type NetworkErrorDescription } from "./describeNetworkError.js";
import { readCappedBody, type CappedBody } from "./readCappedBody.js";
import { requestHeaders, type AttemptCorrelation } from "./requestHeaders.js";

/** What one HTTP attempt came to. */
export type AttemptOutcome =
  | {
      kind: "response";
      /** The URL that answered: the request's, or where redirects led. */
      url: string;
      status: number;
      statusText: string;
      headers: Headers;
      body: CappedBody;
      /** Reading the body failed part way (after the status arrived); null when it did not. */
      bodyFailure: BodyFailure | null;
    }
  | { kind: "network"; error: NetworkErrorDescription }
  | { kind: "timeout" }
  /** The caller's signal aborted (the host is shutting down). */
  | { kind: "aborted" }
  /** The request could not be built (an invalid header value, say): retrying cannot help. */
  | { kind: "invalid"; message: string };

export type BodyFailure =
  { kind: "timeout" } | { kind: "aborted" } | { kind: "network"; error: NetworkErrorDescription };

/**
 * Sends the job's request once, with a timeout that covers the status line and the body, and reads the body up
 * to `maxBodyBytes`. Never throws: every failure is an outcome.
 */
export async function sendAttempt(input: {
  fetch: typeof fetch;
  request: JobRequest;
  token: string;
  correlation: AttemptCorrelation;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  maxBodyBytes: number;
}): Promise<AttemptOutcome> {
  const timeout = AbortSignal.timeout(Math.max(1, Math.floor(input.timeoutMs)));
  const signal = input.signal ? AbortSignal.any([input.signal, timeout]) : timeout;
  // Which signal fired decides the name: the caller's abort wins over a timeout that fired at the same moment.
  const failureOf = (error: unknown): BodyFailure =>
    input.signal?.aborted
      ? { kind: "aborted" }
      : timeout.aborted
        ? { kind: "timeout" }
        : { kind: "network", error: describeNetworkError(error) };

  let response: Response;
  try {
    const headers = requestHeaders(input.request, input.token, input.correlation);
    response = await input.fetch(input.request.url, {
      method: input.request.method,
      headers,
      body: input.request.body === null ? undefined : JSON.stringify(input.request.body),
      signal,
    });
  } catch (error) {
    // undici reports network failures as `TypeError: fetch failed` with a cause; a TypeError without a cause
    // is a request fetch refused to send (an invalid header, say).
    if (error instanceof TypeError && error.cause === undefined && !signal.aborted) {
      // fetch quotes what it refused: a header value (an API key, say) in double quotes, a URL with its user info.
      return { kind: "invalid", message: scrubSecrets(error.message).replace(/"[^"]*"/g, '"<redacted>"') };
    }
    return failureOf(error);
  }
  const body = await readCappedBody(response.body, input.maxBodyBytes);
  return {
    kind: "response",
    url: response.url || input.request.url,
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
    body,
    bodyFailure: body.error === null ? null : failureOf(body.error),
  };
}
