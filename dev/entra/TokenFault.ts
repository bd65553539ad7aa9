import type { Fault } from "../downstream/Fault.js";
import { createFaultList, type FaultList, type FaultListScript } from "../faults/createFaultList.js";

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

export type TokenFaultScript = FaultListScript<TokenFault>;
export type TokenFaultQueue = FaultList<TokenFault>;
export const createTokenFaultQueue = createFaultList<TokenFault>;
