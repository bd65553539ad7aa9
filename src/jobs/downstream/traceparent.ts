import { randomBytes } from "node:crypto";

/** A W3C trace id: 16 random bytes as 32 lowercase hex characters, never all zeros (which means "invalid"). */
export function newTraceId(): string {
  return nonZeroHex(16);
}

/** A W3C parent (span) id: 8 random bytes as 16 lowercase hex characters, never all zeros. */
export function newSpanId(): string {
  return nonZeroHex(8);
}

/** The W3C `traceparent` header (version 00, sampled) for a trace and the span of one request. */
export function traceparent(traceId: string, spanId: string): string {
  return `00-${traceId}-${spanId}-01`;
}

function nonZeroHex(bytes: number): string {
  for (;;) {
    const hex = randomBytes(bytes).toString("hex");
    if (/[^0]/.test(hex)) return hex;
  }
}
