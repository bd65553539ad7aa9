import type { Fault } from "./Fault.js";
import { checkEdgeFault } from "../faults/EdgeFault.js";
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
      for (const fault of faults) checkEdgeFault(fault);
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
