import type { Fault } from "../downstream/Fault.js";

/**
 * A scripted misbehaviour of the Key Vault stand-in for one request: the downstream stand-in's vocabulary, so a fault
 * matrix speaks of every edge alike, plus a body a client must bound. What each answers with (see answerVaultFault):
 * - `{ kind: "throttle", retryAfter }`: 429 `Throttled` with `Retry-After`, as Key Vault throttles;
 * - `{ kind: "status", status }` without a body: Key Vault's error envelope for that status; with `body`: that body
 *   (a string as text, anything else as JSON) — `{ kind: "status", status: 200, body: "<html>…" }` is a malformed 2xx;
 * - `{ kind: "large", bytes }`: a 200 whose JSON body is `bytes` long, streamed without a Content-Length;
 * - `unauthorized`: 401 with the challenge, for a token the vault accepted a moment ago;
 * - `reset`, `hang`, `latency`: as for the downstream stand-in.
 */
export type VaultFault = Fault | { kind: "large"; bytes: number };

/** Faults for the next authenticated Key Vault requests, one per request, in order, whatever the method and path. */
export interface VaultFaultScript {
  enqueue(...faults: VaultFault[]): void;
  clear(): void;
  /** How many faults are still waiting. */
  pending(): number;
}

/** The stand-in's side of a {@link VaultFaultScript}. */
export interface VaultFaultQueue extends VaultFaultScript {
  take(): VaultFault | undefined;
}

export function createVaultFaultQueue(): VaultFaultQueue {
  const queue: VaultFault[] = [];
  return {
    enqueue(...faults) {
      for (const fault of faults) checkVaultFault(fault);
      queue.push(...faults);
    },
    clear() {
      queue.length = 0;
    },
    pending: () => queue.length,
    take: () => queue.shift(),
  };
}

function checkVaultFault(fault: VaultFault): void {
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
  if (fault.kind === "latency" && !(Number.isFinite(fault.ms) && fault.ms >= 0)) {
    throw new Error(`latency fault needs ms >= 0, got ${String(fault.ms)}`);
  }
}
