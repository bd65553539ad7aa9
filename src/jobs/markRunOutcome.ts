import { SpanStatusCode, type Span } from "@opentelemetry/api";
import { ATTR } from "../telemetry/attributeNames.js";
import type { RunResult } from "./RunResult.js";

/**
 * Puts a run's outcome on its span (`m2m.outcome`); a failed or timed-out run marks the span failed with the run's
 * code as `m2m.error.code` and `error.type`, as markFailed does for a thrown error. A run's failure is its result, not
 * a thrown error, so the span would otherwise end "unset". A skipped run is not a failure. The message is the run's
 * own, which is scrubbed.
 */
export function markRunOutcome(
  span: Span,
  result: Pick<RunResult, "status" | "errorCode" | "errorMessage">,
): void {
  if (!span.isRecording()) return;
  span.setAttribute(ATTR.outcome, result.status);
  if (result.status !== "failed" && result.status !== "timed-out") return;
  // A failed run always has a code; without one the span still says how the run ended, never an invented code.
  span.setStatus({ code: SpanStatusCode.ERROR, message: result.errorMessage ?? result.status });
  span.setAttribute(ATTR.errorType, result.errorCode ?? result.status);
  if (result.errorCode) span.setAttribute(ATTR.errorCode, result.errorCode);
}
