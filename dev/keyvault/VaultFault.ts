import type { Fault } from "../downstream/Fault.js";
import { createFaultList, type FaultList, type FaultListScript } from "../faults/createFaultList.js";

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

export type VaultFaultScript = FaultListScript<VaultFault>;
export type VaultFaultQueue = FaultList<VaultFault>;
export const createVaultFaultQueue = createFaultList<VaultFault>;
