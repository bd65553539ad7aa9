import type { Attributes } from "@opentelemetry/api";
import { safeUrl } from "../net/safeUrl.js";
import { ATTR } from "./attributeNames.js";
import { inSpan, markFailedAs, SpanKind, traceparentOf } from "./tracer.js";

/** What one HTTP request came to, told to its span. */
export interface HttpExchange {
  /** The span's W3C traceparent, for the request's header; null with telemetry off. */
  readonly traceparent: string | null;
  /** The answer's status; 4xx and 5xx mark the span failed with the status as `error.type` ("429"). */
  answered(status: number): void;
  /** The answer's status only, for a caller that judges the answer itself (a job's success statuses). */
  received(status: number): void;
  /** No complete or acceptable answer: marks the span failed with a short, bounded type ("ECONNRESET", "timeout"). */
  failed(type: string): void;
}

/**
 * Runs one HTTP request of the app's own fetch-based clients (the token endpoint, Microsoft Graph, a job's API, an
 * alert webhook) in a CLIENT span named by its method, as OpenTelemetry's HTTP conventions name one:
 * `http.request.method`, `server.address`, `url.full` as safeUrl shows it (no query, user info or fragment) unless the
 * URL is itself a secret (`showUrl: false`: a webhook's), and the answer's `http.response.status_code`. Never a header
 * or a body: they carry tokens and assertions. A thrown error the exchange was not told about marks the span failed
 * with its code (see markFailed). With telemetry off the span is a no-op.
 */
export function inHttpClientSpan<T>(
  request: { method: string; url: string; showUrl?: boolean; attributes?: Attributes },
  work: (exchange: HttpExchange) => Promise<T>,
): Promise<T> {
  // server.address is the bare host: an IPv6 address without the brackets a URL's hostname keeps.
  const host = URL.parse(request.url)?.hostname.replace(/^\[(.*)\]$/, "$1");
  const attributes: Attributes = {
    [ATTR.httpMethod]: request.method,
    ...(request.showUrl === false ? {} : { [ATTR.urlFull]: safeUrl(request.url) }),
    ...(host ? { [ATTR.serverAddress]: host } : {}),
    ...request.attributes,
  };
  return inSpan(request.method, { kind: SpanKind.CLIENT, attributes }, (span) => {
    const received = (status: number) => span.setAttribute(ATTR.httpStatus, status);
    return work({
      traceparent: traceparentOf(span),
      answered(status) {
        received(status);
        if (status >= 400) markFailedAs(span, String(status));
      },
      received,
      failed: (type) => markFailedAs(span, type),
    });
  });
}
