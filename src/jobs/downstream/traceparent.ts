import { randomFillSync } from "node:crypto";

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

/** Random bytes drawn a pool at a time (as node:crypto's randomUUID does): one call into OpenSSL per 256 ids. */
const pool = Buffer.alloc(4096);
let used = pool.length;

function nonZeroHex(bytes: number): string {
  for (;;) {
    if (used + bytes > pool.length) {
      randomFillSync(pool);
      used = 0;
    }
    const hex = pool.toString("hex", used, used + bytes);
    used += bytes;
    if (/[^0]/.test(hex)) return hex;
  }
}
