import type { Fault } from "../downstream/Fault.js";
import { checkEdgeFault } from "../faults/EdgeFault.js";

/**
 * A scripted misbehaviour of the managed identity endpoint (App Service's IDENTITY_ENDPOINT) for one request, in the
 * downstream stand-in's vocabulary so a fault matrix speaks of every edge alike (a 401 `unauthorized` has no meaning
 * here: the endpoint takes no bearer token). What each answers with (see answerIdentityFault):
 * - `{ kind: "throttle", retryAfter }`: 429 with `Retry-After` and App Service's error body;
 * - `{ kind: "status", status }` without a body: App Service's error body `{ statusCode, message, correlationId }`;
 *   with `body`: that body (a string as text, anything else as JSON) — `{ kind: "status", status: 200, body: "…" }`
 *   is a malformed 2xx;
 * - `{ kind: "large", bytes }`: a 200 whose JSON body is `bytes` long, streamed without a Content-Length;
 * - `reset`, `hang`, `latency`: as for the downstream stand-in.
 */
export type IdentityFault = Exclude<Fault, { kind: "unauthorized" }> | { kind: "large"; bytes: number };

/** Faults for the next managed identity requests, one per request, in order. */
export interface IdentityFaultScript {
  enqueue(...faults: IdentityFault[]): void;
  /**
   * Appends faults for the next requests for the user-assigned identity `clientId` (the request's `client_id`, which
   * @azure/identity sends for a `clientId`); requests for other identities pass them by. Tests that give each case an
   * identity of its own keep a request @azure/identity still retries in the background (it cannot be cancelled) from
   * taking the next case's fault.
   */
  enqueueFor(clientId: string, ...faults: IdentityFault[]): void;
  clear(): void;
  /** How many faults are still waiting. */
  pending(): number;
}

/** The stand-in's side of an {@link IdentityFaultScript}. */
export interface IdentityFaultQueue extends IdentityFaultScript {
  /** The first waiting fault for a request naming `clientId` (null: none): one for any request, or for that id. */
  take(clientId: string | null): IdentityFault | undefined;
}

export function createIdentityFaultQueue(): IdentityFaultQueue {
  const queue: { clientId: string | null; fault: IdentityFault }[] = [];
  const push = (clientId: string | null, faults: IdentityFault[]) => {
    for (const fault of faults) checkEdgeFault(fault);
    queue.push(...faults.map((fault) => ({ clientId, fault })));
  };
  return {
    enqueue: (...faults) => push(null, faults),
    enqueueFor: (clientId, ...faults) => push(clientId.toLowerCase(), faults),
    clear() {
      queue.length = 0;
    },
    pending: () => queue.length,
    take(clientId) {
      const index = queue.findIndex(
        (entry) => entry.clientId === null || entry.clientId === clientId?.toLowerCase(),
      );
      return index < 0 ? undefined : queue.splice(index, 1)[0]?.fault;
    },
  };
}
