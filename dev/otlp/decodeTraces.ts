import { hexId } from "./hexId.js";
import type { OtlpTraceRequest } from "./OtlpJson.js";
import { plainAttributes } from "./plainAttributes.js";
import type { ReceivedSpan, SpanKindName } from "./ReceivedTelemetry.js";
import { unixNanosToMs } from "./unixNanosToMs.js";

/** OTLP's Span.SpanKind: the API's kind plus one (0 is UNSPECIFIED). */
const KINDS: readonly SpanKindName[] = [
  "unspecified",
  "internal",
  "server",
  "client",
  "producer",
  "consumer",
];
const STATUS = ["unset", "ok", "error"] as const;
/** Span flags bits 8 and 9: whether the parent's remoteness is known, and that it is remote. */
const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;

/** The spans of an ExportTraceServiceRequest (OTLP/HTTP JSON), each with its resource and scope. */
export function decodeTraces(request: OtlpTraceRequest): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const resource = plainAttributes(resourceSpans.resource?.attributes);
    return (resourceSpans.scopeSpans ?? []).flatMap((scopeSpans) =>
      (scopeSpans.spans ?? []).map((span): ReceivedSpan => {
        const parentSpanId = hexId(span.parentSpanId, 8);
        const flags = span.flags ?? 0;
        const message = span.status?.message;
        return {
          traceId: hexId(span.traceId, 16) ?? "",
          spanId: hexId(span.spanId, 8) ?? "",
          ...(parentSpanId ? { parentSpanId } : {}),
          remoteParent:
            parentSpanId !== undefined &&
            (flags & (HAS_IS_REMOTE | IS_REMOTE)) === (HAS_IS_REMOTE | IS_REMOTE),
          name: span.name ?? "",
          kind: KINDS[span.kind ?? 0] ?? "unspecified",
          startTimeMs: unixNanosToMs(span.startTimeUnixNano),
          endTimeMs: unixNanosToMs(span.endTimeUnixNano),
          attributes: plainAttributes(span.attributes),
          status: { code: STATUS[span.status?.code ?? 0] ?? "unset", ...(message ? { message } : {}) },
          events: (span.events ?? []).map((event) => ({
            name: event.name ?? "",
            timeMs: unixNanosToMs(event.timeUnixNano),
            attributes: plainAttributes(event.attributes),
          })),
          scope: scopeSpans.scope?.name ?? "",
          resource,
        };
      }),
    );
  });
}
