import type { DownstreamOutcome } from "../runJob.js";
import { bodyExcerpt } from "./bodyExcerpt.js";
import type { CallRecord } from "./CallRecord.js";

/** How a downstream call ended, before the run's record is filled in from the call's own. */
export type CallEnd =
  { status: "succeeded"; json: unknown } | { status: "failed"; errorCode: string; errorMessage: string };

/**
 * The outcome of a run's downstream call: how it ended, with the attempts, the last response (its excerpt when the call
 * failed, tokens redacted) and the correlation ids (the client request id only once an attempt was sent).
 */
export function callOutcome(call: CallRecord, end: CallEnd, nowMs: number): DownstreamOutcome {
  const response = call.response;
  const failed = end.status === "failed";
  return {
    status: end.status,
    attempts: call.attempts,
    httpStatus: response?.status ?? null,
    bytes: response?.body.data.byteLength ?? 0,
    json: failed ? null : end.json,
    errorBodyExcerpt: failed && response ? bodyExcerpt(response.body.data, { redact: call.secrets }) : null,
    errorCode: failed ? end.errorCode : null,
    errorMessage: failed ? end.errorMessage : null,
    correlation: {
      traceparent: call.traceparent,
      clientRequestId: call.attempts.length > 0 ? call.clientRequestId : "",
      requestId: call.requestId,
    },
    durationMs: nowMs - call.startedMs,
  };
}
