import type { HttpJobDefinition } from "../JobDefinition.js";
import { apiErrorMessage } from "./apiErrorMessage.js";
import type { AttemptResponse, FailedAttempt } from "./classifyAttempt.js";
import type { CallEnd } from "./callOutcome.js";
import { isRetryableMethod, isTransientFailure, type AttemptFailure } from "./isRetryable.js";
import { parseRetryAfter } from "./parseRetryAfter.js";
import { seconds } from "./seconds.js";

/**
 * Pure: the failure a call ends with when an attempt failed and is not retried — not transient, not safe to repeat,
 * or the last the job allows — worded with what the API said and why there was no (further) retry.
 */
export function finalFailure(
  last: FailedAttempt,
  response: AttemptResponse | null,
  context: {
    job: Pick<HttpJobDefinition, "timeoutMs" | "idempotent" | "request">;
    /** "3 attempts": how many were made. */
    attempts: string;
    /** Tokens used: never quoted from the body. */
    secrets: readonly string[];
    now: Date;
  },
): Extract<CallEnd, { status: "failed" }> {
  const { failure } = last;
  const why = notRetriedBecause(failure, context.job, context.attempts);
  const failed = (errorCode: string, errorMessage: string) => ({
    status: "failed" as const,
    errorCode,
    errorMessage,
  });
  switch (failure.kind) {
    case "timeout":
      return failed(
        "TIMEOUT",
        `No complete response within ${context.job.timeoutMs} ms (the job's timeoutMs)${why}.`,
      );
    case "network": {
      const hint = last.network?.hint ? `: ${last.network.hint}` : "";
      return failed(
        "NETWORK",
        `Could not reach the API (${last.network?.summary ?? failure.code})${why}${hint}.`,
      );
    }
    case "status": {
      const statusText = response?.statusText ? ` ${response.statusText}` : "";
      const said = response ? apiErrorMessage(response.body.data, context.secrets) : null;
      const retryAfter = response ? parseRetryAfter(response.headers.get("retry-after"), context.now) : null;
      return failed(
        "HTTP_STATUS",
        `The API answered HTTP ${failure.status}${statusText}${said ? `: ${said}` : ""}${why}` +
          (retryAfter !== null ? `; it asked to wait ${seconds(retryAfter)} s before trying again` : "") +
          ".",
      );
    }
  }
}

/** Why no (further) retry, for the failure message. */
function notRetriedBecause(
  failure: AttemptFailure,
  job: Pick<HttpJobDefinition, "idempotent" | "request">,
  attempts: string,
): string {
  if (!isTransientFailure(failure))
    return failure.kind === "status" ? " (not retried: a client error)" : " (not retried)";
  const method = job.request.method;
  if (!isRetryableMethod(method, job.idempotent)) {
    return ` (not retried: ${method} may not be safe to repeat; set "idempotent": true on the job if it is)`;
  }
  return ` after ${attempts}`;
}
