import { checkEdgeFault, type EdgeFault } from "./EdgeFault.js";

/** Faults for the next requests to an edge, one per request, in order. */
export interface EdgeFaultScript {
  /** Appends faults for the next requests, whatever they are. */
  enqueue(...faults: EdgeFault[]): void;
  /**
   * Appends faults for the next requests that `target` names (what a target is depends on the edge: for Table Storage
   * a table name, "Tables" or "$batch"; compared case-insensitively). Other requests pass them by.
   */
  enqueueFor(target: string, ...faults: EdgeFault[]): void;
  /** Drops every fault still waiting. */
  clear(): void;
  /** How many faults are still waiting. */
  pending(): number;
}

/** The stand-in's side of an {@link EdgeFaultScript}. */
export interface EdgeFaultQueue extends EdgeFaultScript {
  /**
   * Takes the first waiting fault for a request to `targets` (one scripted for any request, or for one of them: a
   * request can be named by more than one, as a Table Storage transaction is by "$batch" and by its table).
   */
  take(...targets: string[]): EdgeFault | undefined;
}

export function createEdgeFaultQueue(): EdgeFaultQueue {
  const queue: { target: string | null; fault: EdgeFault }[] = [];
  const push = (target: string | null, faults: EdgeFault[]) => {
    for (const fault of faults) checkEdgeFault(fault);
    queue.push(...faults.map((fault) => ({ target, fault })));
  };
  return {
    enqueue: (...faults) => push(null, faults),
    enqueueFor: (target, ...faults) => push(target.toLowerCase(), faults),
    clear() {
      queue.length = 0;
    },
    pending: () => queue.length,
    take(...targets) {
      const names = targets.map((target) => target.toLowerCase());
      const index = queue.findIndex((entry) => entry.target === null || names.includes(entry.target));
      return index < 0 ? undefined : queue.splice(index, 1)[0]?.fault;
    },
  };
}
