import type { NetworkErrorDescription } from "./describeNetworkError.js";
import type { AttemptFailure } from "./isRetryable.js";
import type { AttemptOutcome } from "./sendAttempt.js";

/** An attempt that got a response. */
export type AttemptResponse = Extract<AttemptOutcome, { kind: "response" }>;

/** An attempt that did not succeed, in the terms the retry decision and the attempt record use. */
export interface FailedAttempt {
  ok: false;
  failure: AttemptFailure;
  /** For the attempt record: "HTTP 503", "timeout", "ECONNRESET", "timeout reading the body". */
  summary: string;
  network: NetworkErrorDescription | null;
}

export type AttemptVerdict = { ok: true; response: AttemptResponse } | FailedAttempt;

/**
 * Pure: whether an attempt succeeded — a success status whose body arrived whole (a body that broke off means the
 * attempt did not complete) — and otherwise what failed.
 */
export function classifyAttempt(
  sent: Exclude<AttemptOutcome, { kind: "aborted" | "invalid" }>,
  successStatuses: readonly number[],
): AttemptVerdict {
  if (sent.kind === "network") {
    return {
      ok: false,
      failure: { kind: "network", code: sent.error.code },
      summary: sent.error.summary,
      network: sent.error,
    };
  }
  if (sent.kind === "timeout")
    return { ok: false, failure: { kind: "timeout" }, summary: "timeout", network: null };
  if (!successStatuses.includes(sent.status)) {
    return {
      ok: false,
      failure: { kind: "status", status: sent.status },
      summary: `HTTP ${sent.status}`,
      network: null,
    };
  }
  const broke = sent.bodyFailure;
  if (broke?.kind === "timeout") {
    return { ok: false, failure: { kind: "timeout" }, summary: "timeout reading the body", network: null };
  }
  if (broke?.kind === "network") {
    return {
      ok: false,
      failure: { kind: "network", code: broke.error.code },
      summary: `${broke.error.summary} reading the body`,
      network: broke.error,
    };
  }
  return { ok: true, response: sent };
}
