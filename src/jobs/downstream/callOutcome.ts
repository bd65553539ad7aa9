import { scrubSecrets } from "../../net/scrubSecrets.js";
import type { DownstreamOutcome } from "../runJob.js";
import { bodyExcerpt } from "./bodyExcerpt.js";
import type { CallRecord } from "./CallRecord.js";

/**
 * How a downstream call ended, before the run's record is filled in from the call's own. `edge`: the edge a call bounded
 * by the run's deadline named when it did not answer in time (TimedOutError.edge), when the run's deadline ended it so.
 */
export type CallEnd =
  | { status: "succeeded"; json: unknown }
  | { status: "failed"; errorCode: string; errorMessage: string; edge?: string };

/**
 * The outcome of a run's downstream call: how it ended, with the attempts, the last response (its excerpt when the call
 * failed, tokens redacted) and the correlation ids (the client request id only once an attempt was sent). The message
 * and the excerpt are scrubbed (scrubSecrets): they go into the run record, the log and alerts.
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
    errorMessage: failed ? scrubSecrets(end.errorMessage) : null,
    correlation: {
      traceparent: call.traceparent,
      clientRequestId: call.attempts.length > 0 ? call.clientRequestId : "",
      requestId: call.requestId,
    },
    durationMs: nowMs - call.startedMs,
    ...(failed && end.edge !== undefined ? { edge: end.edge } : {}),
  };
}
