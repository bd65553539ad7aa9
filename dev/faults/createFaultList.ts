import { checkEdgeFault, type EdgeFault } from "./EdgeFault.js";

/** Faults for an edge's next requests, one per request, in order, whatever the request. */
export interface FaultListScript<F extends EdgeFault> {
  /** Appends faults for the next requests; throws for one that cannot be answered as written. */
  enqueue(...faults: F[]): void;
  clear(): void;
  /** How many faults are still waiting. */
  pending(): number;
}

/** The stand-in's side of a {@link FaultListScript}. */
export interface FaultList<F extends EdgeFault> extends FaultListScript<F> {
  take(): F | undefined;
}

/** One queue shared by the stand-ins whose faults apply to any request (Entra's token endpoint, Graph, Key Vault). */
export function createFaultList<F extends EdgeFault>(): FaultList<F> {
  const queue: F[] = [];
  return {
    enqueue(...faults) {
      for (const fault of faults) checkEdgeFault(fault);
      queue.push(...faults);
    },
    clear() {
      queue.length = 0;
    },
    pending: () => queue.length,
    take: () => queue.shift(),
  };
}
