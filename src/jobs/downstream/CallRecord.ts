import { randomUUID } from "node:crypto";
import type { AttemptResult } from "../RunResult.js";
import type { AttemptResponse } from "./classifyAttempt.js";
import { newTraceId } from "./traceparent.js";

/**
 * What one run's downstream call has done so far: the attempts, the last response, the correlation sent and received,
 * and the tokens it used (redacted from any body it quotes). The retry loop writes it; the outcome is read from it.
 */
export interface CallRecord {
  /** When the call began, in milliseconds on the run's clock. */
  readonly startedMs: number;
  readonly attempts: AttemptResult[];
  readonly traceId: string;
  /** Sent with every attempt (x-ms-client-request-id); reported only once an attempt was made. */
  readonly clientRequestId: string;
  /** Bearer tokens used: never quoted from a response body. */
  readonly secrets: string[];
  /** The traceparent of the last attempt, "" before the first. */
  traceparent: string;
  /** The API's x-ms-request-id (or request-id) from the last response that had one. */
  requestId: string | null;
  /** The last attempt's response; null when it got none. */
  response: AttemptResponse | null;
}

export function newCallRecord(startedMs: number): CallRecord {
  return {
    startedMs,
    attempts: [],
    traceId: newTraceId(),
    clientRequestId: randomUUID(),
    secrets: [],
    traceparent: "",
    requestId: null,
    response: null,
  };
}

/** "1 attempt", "3 attempts". */
export function describeAttempts(call: Pick<CallRecord, "attempts">): string {
  return call.attempts.length === 1 ? "1 attempt" : `${call.attempts.length} attempts`;
}
