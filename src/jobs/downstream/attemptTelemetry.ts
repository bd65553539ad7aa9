import { classifyAttempt } from "./classifyAttempt.js";
import type { AttemptOutcome } from "./sendAttempt.js";

/**
 * What one attempt came to, in the bounded set the downstream-attempts metric (`m2m.outcome`) uses:
 * - "ok": a status the job counts as success, its body read whole;
 * - "http-error": any other status (the status itself is `http.response.status_code`);
 * - "network-error": no response, or the body broke off, on a network failure (reset, refused, DNS, TLS);
 * - "timeout": no complete response within the attempt's timeout;
 * - "aborted": the run was cancelled (the host shutting down) during the attempt;
 * - "invalid-request": fetch refused to send the job's request (nothing reached the API).
 */
export type AttemptTelemetryOutcome =
  "ok" | "http-error" | "network-error" | "timeout" | "aborted" | "invalid-request";

/**
 * Pure: an attempt's outcome for its metric point and, when it failed, its span's `error.type` as OpenTelemetry's HTTP
 * conventions give it — the status code for a failing status ("503"), the network error's code ("ECONNRESET"),
 * "timeout" — and the status received, or null when no response came.
 */
export function attemptTelemetry(
  sent: AttemptOutcome,
  successStatuses: readonly number[],
): { outcome: AttemptTelemetryOutcome; errorType: string | null; status: number | null } {
  const status = sent.kind === "response" ? sent.status : null;
  if (sent.kind === "aborted" || (sent.kind === "response" && sent.bodyFailure?.kind === "aborted")) {
    return { outcome: "aborted", errorType: "aborted", status };
  }
  if (sent.kind === "invalid") return { outcome: "invalid-request", errorType: "invalid-request", status };
  const verdict = classifyAttempt(sent, successStatuses);
  if (verdict.ok) return { outcome: "ok", errorType: null, status };
  switch (verdict.failure.kind) {
    case "status":
      return { outcome: "http-error", errorType: String(verdict.failure.status), status };
    case "timeout":
      return { outcome: "timeout", errorType: "timeout", status };
    case "network":
      return { outcome: "network-error", errorType: verdict.failure.code, status };
  }
}
