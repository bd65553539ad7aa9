import { SpanStatusCode, trace, type Attributes } from "@opentelemetry/api";
import { safeUrl } from "../net/safeUrl.js";
import { ATTR } from "../telemetry/attributeNames.js";
import { INSTRUMENTATION_SCOPE, markFailed, SpanKind } from "../telemetry/tracer.js";

/** What one HTTP request came to, told to its span. */
export interface HttpExchange {
  /** The answer's status; 4xx and 5xx mark the span failed with the status as `error.type` ("429"). */
  answered(status: number): void;
  /** No complete answer: marks the span failed with a short, bounded type ("ECONNRESET", "timeout"). */
  failed(type: string): void;
}

/**
 * Runs one HTTP request of the app's own fetch-based clients (the token endpoint, Microsoft Graph) in a CLIENT span
 * named by its method, as OpenTelemetry's HTTP conventions name one: `http.request.method`, `server.address`, `url.full`
 * as safeUrl shows it (no query, user info or fragment) and the answer's `http.response.status_code`. Never a header or
 * a body: they carry tokens and assertions. A thrown error the exchange was not told about marks the span failed with
 * its code (see markFailed). With telemetry off the span is a no-op.
 */
export function inHttpClientSpan<T>(
  request: { method: string; url: string; attributes?: Attributes },
  work: (exchange: HttpExchange) => Promise<T>,
): Promise<T> {
  const host = URL.parse(request.url)?.hostname;
  const attributes: Attributes = {
    [ATTR.httpMethod]: request.method,
    [ATTR.urlFull]: safeUrl(request.url),
    ...(host ? { [ATTR.serverAddress]: host } : {}),
    ...request.attributes,
  };
  // The tracer is asked per span (see tracer.ts): one kept from before a provider was registered stays a no-op.
  const tracer = trace.getTracer(INSTRUMENTATION_SCOPE);
  return tracer.startActiveSpan(request.method, { kind: SpanKind.CLIENT, attributes }, async (span) => {
    let marked = false;
    const fail = (type: string) => {
      marked = true;
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.setAttribute(ATTR.errorType, type);
    };
    try {
      return await work({
        answered(status) {
          span.setAttribute(ATTR.httpStatus, status);
          if (status >= 400) fail(String(status));
        },
        failed: fail,
      });
    } catch (error) {
      // Already told (a 503 thrown on as the token path's failure): the status says more than the error's class.
      if (!marked) markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}
