import type { Fault } from "./Fault.js";
import { parseRouteKey } from "./routeKey.js";

/** Faults scripted per route ("GET /reports"), consumed in order, one per request to that route. */
export interface FaultScript {
  /** Appends faults for the next requests to `key` ("GET /reports"). */
  enqueue(key: string, ...faults: Fault[]): void;
  /** Drops the faults of one route, or of every route. */
  clear(key?: string): void;
  /** How many faults are still waiting for `key`, or for all routes. */
  pending(key?: string): number;
}

/** The stand-in's side of a {@link FaultScript}. */
export interface FaultQueue extends FaultScript {
  /** Takes the next fault for a normalised key, if any. */
  take(key: string): Fault | undefined;
}

export function createFaultQueue(initial: Record<string, Fault[]> = {}): FaultQueue {
  const queues = new Map<string, Fault[]>();
  const queue: FaultQueue = {
    enqueue(key, ...faults) {
      for (const fault of faults) checkFault(fault);
      const normalised = parseRouteKey(key);
      queues.set(normalised, [...(queues.get(normalised) ?? []), ...faults]);
    },
    clear(key) {
      if (key === undefined) queues.clear();
      else queues.delete(parseRouteKey(key));
    },
    pending(key) {
      if (key !== undefined) return queues.get(parseRouteKey(key))?.length ?? 0;
      return [...queues.values()].reduce((sum, faults) => sum + faults.length, 0);
    },
    take(key) {
      return queues.get(key)?.shift();
    },
  };
  for (const [key, faults] of Object.entries(initial)) queue.enqueue(key, ...faults);
  return queue;
}

function checkFault(fault: Fault): void {
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
}
