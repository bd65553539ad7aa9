import { SpanKind, SpanStatusCode, trace, type Attributes, type Span } from "@opentelemetry/api";
import { ATTR } from "./attributeNames.js";

/** The instrumentation scope of the app's own spans, metrics and log records. */
export const INSTRUMENTATION_SCOPE = "m2m-functions";

// Asked per span, not kept: a tracer kept from before a provider was registered (or after one was unregistered)
// would keep its old delegate. Without a provider it is the API's no-op tracer.
const tracer = () => trace.getTracer(INSTRUMENTATION_SCOPE);

export { SpanKind };

/**
 * Runs `work` in a new span that is the active span for everything it awaits (child spans, log records). A thrown
 * error marks the span failed with its code (`m2m.error.code`) and type; the span ends either way. With telemetry
 * off the span is a no-op and `work` runs as it would without it.
 */
export function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(name, options, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

// Spans already marked failed with a more specific type (an HTTP status, a network code): a thrown error does not
// overwrite it.
const markedAs = new WeakSet<Span>();

/**
 * Marks a span failed with a short, bounded `error.type` ("503", "ECONNRESET", "timeout"), which an error thrown out of
 * the span later does not replace (see markFailed).
 */
export function markFailedAs(span: Span, type: string): void {
  if (!span.isRecording()) return;
  markedAs.add(span);
  span.setStatus({ code: SpanStatusCode.ERROR });
  span.setAttribute(ATTR.errorType, type);
}

/**
 * Marks a span failed: status, error type and the app's error code when it has one. Never the error's message body.
 * A span already marked with markFailedAs keeps that mark.
 */
export function markFailed(span: Span, error: unknown): void {
  if (!span.isRecording() || markedAs.has(span)) return;
  const code = errorCode(error);
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
  span.setAttribute(ATTR.errorType, code ?? (error instanceof Error ? error.name : "Error"));
  if (code) span.setAttribute(ATTR.errorCode, code);
}

/** The W3C `traceparent` of a span, or null when the span is not recorded (telemetry off: no valid context). */
export function traceparentOf(span: Span): string | null {
  const context = span.spanContext();
  if (!trace.isSpanContextValid(context) || !span.isRecording()) return null;
  const flags = context.traceFlags & 1 ? "01" : "00"; // TraceFlags.SAMPLED
  return `00-${context.traceId}-${context.spanId}-${flags}`;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  const code = error.code;
  return typeof code === "string" ? code : undefined;
}
