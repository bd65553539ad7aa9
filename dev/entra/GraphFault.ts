import type { Fault } from "../downstream/Fault.js";

/**
 * A scripted misbehaviour of the Graph stand-in for one request: the downstream stand-in's vocabulary (a status,
 * 429 with Retry-After, latency, a reset connection, a 401, a hang), so a fault matrix speaks of every edge alike,
 * plus the bodies a client must bound and check:
 * - `{ kind: "status", status: 200, body: "<html>…" }`: a 2xx that is not JSON (a proxy's page);
 * - `{ kind: "status", status: 200, body: { … } }`: a 2xx JSON document that is not what Graph answers;
 * - `{ kind: "large", bytes }`: a 200 whose JSON body is `bytes` long, streamed without a Content-Length.
 */
export type GraphFault = Fault | { kind: "large"; bytes: number };

/** Faults for the next Graph requests, one per request, in order, whatever the method and path. */
export interface GraphFaultScript {
  enqueue(...faults: GraphFault[]): void;
  clear(): void;
  /** How many faults are still waiting. */
  pending(): number;
}

/** The stand-in's side of a {@link GraphFaultScript}. */
export interface GraphFaultQueue extends GraphFaultScript {
  take(): GraphFault | undefined;
}

export function createGraphFaultQueue(): GraphFaultQueue {
  const queue: GraphFault[] = [];
  return {
    enqueue(...faults) {
      for (const fault of faults) {
        if (fault.kind === "large" && !(Number.isInteger(fault.bytes) && fault.bytes > 0)) {
          throw new Error(`large fault needs bytes > 0, got ${String(fault.bytes)}`);
        }
        if (fault.kind === "throttle" && !fault.retryAfter.trim()) {
          throw new Error('throttle fault needs retryAfter: delta seconds ("2") or an HTTP date');
        }
      }
      queue.push(...faults);
    },
    clear() {
      queue.length = 0;
    },
    pending: () => queue.length,
    take: () => queue.shift(),
  };
}
