import type { Fault } from "../downstream/Fault.js";
import { createFaultList, type FaultList, type FaultListScript } from "../faults/createFaultList.js";

/**
 * A scripted misbehaviour of the Graph stand-in for one request: the downstream stand-in's vocabulary (a status,
 * 429 with Retry-After, latency, a reset connection, a 401, a hang), so a fault matrix speaks of every edge alike,
 * plus the bodies a client must bound and check:
 * - `{ kind: "status", status: 200, body: "<html>…" }`: a 2xx that is not JSON (a proxy's page);
 * - `{ kind: "status", status: 200, body: { … } }`: a 2xx JSON document that is not what Graph answers;
 * - `{ kind: "large", bytes }`: a 200 whose JSON body is `bytes` long, streamed without a Content-Length.
 */
export type GraphFault = Fault | { kind: "large"; bytes: number };

export type GraphFaultScript = FaultListScript<GraphFault>;
export type GraphFaultQueue = FaultList<GraphFault>;
export const createGraphFaultQueue = createFaultList<GraphFault>;
