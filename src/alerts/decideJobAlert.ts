import type { RunResult } from "../jobs/RunResult.js";
import type { Alert } from "./Alert.js";
import type { AlertState } from "./AlertLedger.js";

export type AlertDecision =
  { action: "none" } | { action: "fire" | "resolve"; alert: Alert; next: AlertState };

/**
 * Pure: does this run change what people were told about the job? Fire once when consecutive failures reach the
 * threshold while all was well; resolve once when a run succeeds while firing; otherwise nothing — never one message
 * per failed run. The dedupe key names the episode (the failure streak that began after the last success), so the
 * same decision made twice — two instances, or a retry after a crash — is the same alert.
 */
export function decideJobAlert(input: {
  job: string;
  state: AlertState | null;
  result: RunResult;
  consecutiveFailures: number;
  lastSuccessAt: string | null;
  threshold: number;
}): AlertDecision {
  const { job, state, result } = input;
  const subject = `job:${job}`;
  const firing = state?.status === "firing";
  const facts = [
    { name: "Job", value: job },
    { name: "Run", value: result.runId },
    { name: "Status", value: result.status },
    { name: "HTTP status", value: result.httpStatus === null ? "none" : String(result.httpStatus) },
    { name: "Attempts", value: String(result.attempts.length) },
    { name: "Consecutive failures", value: String(input.consecutiveFailures) },
    ...(result.errorCode ? [{ name: "Error", value: result.errorCode }] : []),
    { name: "x-ms-client-request-id", value: result.correlation.clientRequestId || "none" },
    { name: "x-ms-request-id", value: result.correlation.requestId ?? "none" },
  ];
  if (result.status === "failed" && !firing && input.consecutiveFailures >= input.threshold) {
    const episode = `job:${job}:failing-since:${input.lastSuccessAt ?? "never"}`;
    return {
      action: "fire",
      alert: {
        subject,
        kind: "firing",
        severity: "critical",
        title: `Job '${job}' failed ${input.consecutiveFailures} times in a row`,
        text: `${result.errorMessage ?? result.errorCode ?? "The run failed."} Runs will go on at the job's schedule; you will get one more message when it recovers.`,
        facts,
        dedupeKey: `${episode}:firing`,
        occurredAt: result.startedAt,
      },
      next: {
        subject,
        status: "firing",
        step: `failures>=${input.threshold}`,
        since: result.startedAt,
        episode,
      },
    };
  }
  if (result.status === "succeeded" && firing) {
    return {
      action: "resolve",
      alert: {
        subject,
        kind: "resolved",
        severity: "info",
        title: `Job '${job}' recovered`,
        text: `The run at ${result.startedAt} succeeded after failures since ${state.since ?? "an earlier run"}.`,
        facts,
        dedupeKey: `${state.episode ?? subject}:resolved`,
        occurredAt: result.startedAt,
      },
      next: { subject, status: "ok", step: null, since: result.startedAt, episode: null },
    };
  }
  return { action: "none" };
}
