import type { Fault } from "../downstream/Fault.js";

/**
 * A scripted misbehaviour of the token endpoint for one request, in the downstream stand-in's vocabulary so a fault
 * matrix speaks of every edge alike (a 401 `unauthorized` has no meaning here). What each answers with:
 * - `{ kind: "throttle", retryAfter }`: 429 with `Retry-After` and the body `Too Many Requests` as text — Entra ID's
 *   throttling answer to client credentials has no JSON body (AzureAD/microsoft-authentication-library-for-dotnet#2855:
 *   "StatusCode: 429, ResponseBody: Too Many Requests, Headers: Retry-After: 60");
 * - `{ kind: "status", status: 503 }` without a body: Entra ID's `temporarily_unavailable` error body (AADSTS90033);
 * - `{ kind: "status", status }` without a body otherwise: the status's reason phrase as text, as a gateway answers;
 *   with `body`: that body (a string as text, anything else as JSON);
 * - `{ kind: "large", bytes }`: a 200 whose JSON body is `bytes` long, streamed without a Content-Length (no token
 *   answer is more than a few kilobytes: a proxy's or a wrong host's);
 * - `reset`, `hang`, `latency`: as for the downstream stand-in.
 */
export type TokenFault = Exclude<Fault, { kind: "unauthorized" }> | { kind: "large"; bytes: number };

/** Faults for the next token requests, one per request, in order. */
export interface TokenFaultScript {
  enqueue(...faults: TokenFault[]): void;
  clear(): void;
  /** How many faults are still waiting. */
  pending(): number;
}

/** The stand-in's side of a {@link TokenFaultScript}. */
export interface TokenFaultQueue extends TokenFaultScript {
  take(): TokenFault | undefined;
}

export function createTokenFaultQueue(): TokenFaultQueue {
  const queue: TokenFault[] = [];
  return {
    enqueue(...faults) {
      for (const fault of faults) {
        if (fault.kind === "large" && !(Number.isInteger(fault.bytes) && fault.bytes > 0)) {
          throw new Error(`large fault needs bytes > 0, got ${String(fault.bytes)}`);
        }
        if (fault.kind === "throttle" && !fault.retryAfter.trim()) {
          throw new Error('throttle fault needs retryAfter: delta seconds ("2") or an HTTP date');
        }
        if (
          fault.kind === "status" &&
          !(Number.isInteger(fault.status) && fault.status >= 100 && fault.status <= 599)
        ) {
          throw new Error(`status fault needs an HTTP status 100-599, got ${String(fault.status)}`);
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
