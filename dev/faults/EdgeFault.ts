import type { Fault } from "../downstream/Fault.js";

/**
 * A scripted misbehaviour of one edge for one request, in the downstream stand-in's vocabulary (dev/downstream/Fault.ts)
 * so a fault matrix speaks of every edge alike, plus `{ kind: "large", bytes }`: a 2xx whose body is `bytes` long,
 * streamed without a Content-Length. A malformed answer is `{ kind: "status", status: 200, body: "<not what the
 * service sends>" }` (a string is sent as text/html, anything else as JSON).
 */
export type EdgeFault = Fault | { kind: "large"; bytes: number };

/** Throws for a fault that cannot be answered as written. */
export function checkEdgeFault(fault: EdgeFault): void {
  if (
    fault.kind === "status" &&
    !(Number.isInteger(fault.status) && fault.status >= 100 && fault.status <= 599)
  ) {
    throw new Error(`status fault needs an HTTP status 100-599, got ${String(fault.status)}`);
  }
  if (fault.kind === "latency" && !(Number.isFinite(fault.ms) && fault.ms >= 0)) {
    throw new Error(`latency fault needs ms >= 0, got ${String(fault.ms)}`);
  }
  if (fault.kind === "throttle" && !fault.retryAfter.trim()) {
    throw new Error('throttle fault needs retryAfter: delta seconds ("2") or an HTTP date');
  }
  if (fault.kind === "large" && !(Number.isInteger(fault.bytes) && fault.bytes > 0)) {
    throw new Error(`large fault needs bytes > 0, got ${String(fault.bytes)}`);
  }
}
