import {
  describeNetworkError,
  type NetworkErrorDescription,
} from "../jobs/downstream/describeNetworkError.js";
import { readCappedBody, type CappedBody } from "../jobs/downstream/readCappedBody.js";

/** What one attempt at a Graph request came to. */
export type GraphAttempt =
  | {
      kind: "response";
      status: number;
      headers: Headers;
      /** Read up to the cap: `truncated` when the body was longer (the rest was never read). */
      body: CappedBody;
    }
  /** No response, or the body broke off part way. */
  | { kind: "network"; error: NetworkErrorDescription }
  /** The attempt's own timeout passed (the caller's deadline had time left). */
  | { kind: "timeout"; timeoutMs: number };

/**
 * Sends one Graph request and reads its body up to `maxBodyBytes` (a Content-Length over it is not read at all).
 * Failures are outcomes, except the caller's `signal` aborting (the deadline, the host shutting down): that rejects
 * with the signal's reason, so the caller's deadline names it.
 */
export async function sendGraphRequest(input: {
  fetch: typeof fetch;
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  signal: AbortSignal;
  /** The attempt's own bound, shorter than the caller's; null when the caller's signal is the only one. */
  timeoutMs: number | null;
  maxBodyBytes: number;
}): Promise<GraphAttempt> {
  const timeoutMs = input.timeoutMs === null ? null : Math.max(1, Math.floor(input.timeoutMs));
  const timeout = timeoutMs === null ? null : AbortSignal.timeout(timeoutMs);
  const signal = timeout ? AbortSignal.any([input.signal, timeout]) : input.signal;
  const failure = (error: unknown): GraphAttempt => {
    if (input.signal.aborted) throw input.signal.reason;
    if (timeout?.aborted && timeoutMs !== null) return { kind: "timeout", timeoutMs };
    return { kind: "network", error: describeNetworkError(error) };
  };
  let response: Response;
  try {
    response = await input.fetch(input.url, {
      method: input.method,
      headers: input.headers,
      ...(input.body === undefined ? {} : { body: input.body }),
      signal,
    });
  } catch (error) {
    return failure(error);
  }
  const length = Number(response.headers.get("content-length") ?? Number.NaN);
  if (length > input.maxBodyBytes) {
    await response.body?.cancel().catch(() => undefined);
    return {
      kind: "response",
      status: response.status,
      headers: response.headers,
      body: { data: new Uint8Array(0), complete: false, truncated: true, error: null },
    };
  }
  const body = await readCappedBody(response.body, input.maxBodyBytes);
  if (body.error !== null) return failure(body.error);
  return { kind: "response", status: response.status, headers: response.headers, body };
}
