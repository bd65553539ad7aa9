import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from "@azure/msal-node";
import type { Clock } from "../clock/Clock.js";
import { describeNetworkError } from "../jobs/downstream/describeNetworkError.js";
import { parseRetryAfter } from "../jobs/downstream/parseRetryAfter.js";
import { readCappedBody, type CappedBody } from "../jobs/downstream/readCappedBody.js";
import type { EntraErrorFacts } from "./isTransientTokenFailure.js";
import { TokenEndpointFailure, type EndpointFailure } from "./TokenEndpointFailure.js";
import { resolveDeferredAssertion } from "./deferredAssertion.js";
import { inHttpClientSpan } from "../telemetry/inHttpClientSpan.js";
import { currentTokenRequestSignal } from "./tokenRequestSignal.js";

/** A token response is a few kilobytes; anything near this is not Entra ID answering. */
export const MAX_TOKEN_RESPONSE_BYTES = 1_048_576;

type StatusFailure = Extract<EndpointFailure, { kind: "status" }>;

/**
 * MSAL's network module (`system.networkClient`) over fetch. Every request aborts with the signal of the MSAL call
 * in progress (see withTokenRequestSignal: the invocation's deadline) and after `requestTimeoutMs` in any case
 * (MSAL's own client has no timeout for POSTs: a hung endpoint kept a job waiting about 300 s). MSAL gets only the
 * answers it handles well: a 2xx JSON object, and an Entra error body on a 4xx other than 429 without Retry-After
 * (MSAL turns it into a ServerError with the AADSTS description). Anything else — 429, 5xx, any Retry-After, a body
 * that is not an Entra error or is over `maxBodyBytes`, no answer at all — is thrown as a
 * {@link TokenEndpointFailure}, which MSAL passes through, so the token path can classify it and retry.
 *
 * That also keeps MSAL's throttling cache out of the way (it would refuse a retry locally for 60 s after a 5xx
 * without Retry-After); instead this client remembers a Retry-After itself, per endpoint, and refuses a request
 * before it has passed without sending it — what MSAL does for throttled requests, but with the time left.
 */
export function fetchNetworkClient(options: {
  clock: Clock;
  /** The longest one request (answer and body) may take, whatever the caller's deadline. */
  requestTimeoutMs: number;
  maxBodyBytes?: number;
  fetch?: typeof fetch;
}): INetworkModule {
  const { clock, requestTimeoutMs } = options;
  const maxBodyBytes = options.maxBodyBytes ?? MAX_TOKEN_RESPONSE_BYTES;
  const throttled = new Map<string, { untilMs: number; failure: StatusFailure }>();

  async function send<T>(
    method: "GET" | "POST",
    url: string,
    request: NetworkRequestOptions = {},
  ): Promise<NetworkResponse<T>> {
    const endpoint = url.split("?")[0]!;
    const remembered = throttled.get(endpoint);
    if (remembered) {
      const leftMs = remembered.untilMs - clock().getTime();
      if (leftMs > 0) {
        throw new TokenEndpointFailure(
          { ...remembered.failure, retryAfterMs: leftMs, remembered: true },
          endpoint,
        );
      }
      throttled.delete(endpoint);
    }

    const timeout = AbortSignal.timeout(requestTimeoutMs);
    const caller = currentTokenRequestSignal();
    const signal = caller ? AbortSignal.any([caller, timeout]) : timeout;

    // A client assertion signed in Key Vault is signed now, for a request that is really sent (see deferAssertion); its
    // Key Vault request is a sibling of this request's span, not a child.
    const sent = method === "POST" ? await resolveDeferredAssertion(request.body ?? "", endpoint) : null;
    return inHttpClientSpan({ method, url }, async (exchange) => {
      const failed = (error: unknown): unknown => {
        // The caller's deadline: its Deadline.bound reports it, naming the edge (and the span takes its code).
        if (caller?.aborted) return caller.reason;
        if (timeout.aborted) {
          exchange.failed("timeout");
          return new TokenEndpointFailure({ kind: "timeout", timeoutMs: requestTimeoutMs }, endpoint);
        }
        const { code, summary } = describeNetworkError(error);
        exchange.failed(code);
        return new TokenEndpointFailure({ kind: "network", code, summary }, endpoint);
      };
      let response: Response;
      try {
        response = await (options.fetch ?? fetch)(url, {
          method,
          headers: request.headers ?? {},
          ...(sent === null ? {} : { body: sent }),
          signal,
        });
      } catch (error) {
        throw failed(error);
      }
      exchange.answered(response.status);
      const read = await readCappedBody(response.body, maxBodyBytes);
      if (read.error !== null) throw failed(read.error);
      return answer<T>(endpoint, response, read);
    });
  }

  /** The answer MSAL is given, or the {@link TokenEndpointFailure} thrown in its place (see above). */
  function answer<T>(endpoint: string, response: Response, read: CappedBody): NetworkResponse<T> {
    const { status } = response;
    const ok = status >= 200 && status < 300;
    const text = read.truncated ? null : Buffer.from(read.data).toString("utf8");
    const parsed = text === null ? undefined : parseJson(text);
    const body = isObject(parsed) ? parsed : null;
    const headers = Object.fromEntries(response.headers);
    if (ok && body) {
      throttled.delete(endpoint);
      return { headers, body: body as T, status };
    }
    const retryAfterMs = ok ? null : parseRetryAfter(response.headers.get("retry-after"), clock());
    const entra = body && typeof body.error === "string" ? entraFacts(body) : null;
    if (entra && status >= 400 && status < 500 && status !== 429 && retryAfterMs === null) {
      return { headers, body: body as T, status };
    }
    const failure: StatusFailure = {
      kind: "status",
      status,
      retryAfterMs,
      remembered: false,
      contentType: response.headers.get("content-type"),
      entra,
      bodyProblem:
        text === null ? "too-large" : parsed === undefined ? "not-json" : entra ? null : "not-entra",
    };
    if (retryAfterMs !== null && retryAfterMs > 0) {
      throttled.set(endpoint, { untilMs: clock().getTime() + retryAfterMs, failure });
    }
    throw new TokenEndpointFailure(failure, endpoint);
  }

  return {
    sendGetRequestAsync: (url, request) => send("GET", url, request),
    sendPostRequestAsync: (url, request) => send("POST", url, request),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Entra's error body: `error`, `error_description` (with trace lines) and `error_codes` (the AADSTS numbers). */
function entraFacts(body: Record<string, unknown>): EntraErrorFacts & { description: string | null } {
  const codes = Array.isArray(body.error_codes) ? body.error_codes : [];
  return {
    error: typeof body.error === "string" ? body.error : null,
    aadsts: codes.filter((code): code is number => typeof code === "number" && Number.isInteger(code)),
    description: typeof body.error_description === "string" ? body.error_description : null,
  };
}
