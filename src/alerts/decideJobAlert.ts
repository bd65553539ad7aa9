import type { RunResult } from "../jobs/RunResult.js";
import type { Alert } from "./Alert.js";
import type { AlertState } from "./AlertLedger.js";
import { jobAlertSubject } from "./jobAlertSubject.js";

/** What the policy reads of a run. */
export type JobRunFacts = Pick<
  RunResult,
  "runId" | "status" | "startedAt" | "httpStatus" | "attempts" | "errorCode" | "errorMessage" | "correlation"
>;

export interface JobAlertInput {
  job: string;
  /** The ledger's state of `job:<name>`. */
  state: AlertState;
  /** The run just recorded. */
  run: JobRunFacts;
  /** Failed runs since the last success, this one included. */
  consecutiveFailures: number;
  /** Start of the last successful run, or null when none succeeded yet: the failure streak began after it. */
  lastSuccessAt: string | null;
  /** M2M_ALERT_AFTER_FAILURES: fire when this many runs in a row have failed. */
  threshold: number;
  now: Date;
}

export type JobAlertDecision =
  { action: "none"; reason: string } | { action: "fire" | "resolve"; alert: Alert; next: AlertState };

/** Characters of the run's error message quoted in an alert. */
const ERROR_CHARS = 1000;

/**
 * Pure: does this run change what people were told about the job?
 * - fire once when a failed run (one that failed or timed out) brings the consecutive failures to the threshold (or
 *   past it) while the job is ok — or while it is still firing for an earlier streak (the success between them could
 *   not resolve it: the ledger failed then), so every streak that reaches the threshold is told, with its own count;
 * - resolve once when a run succeeds while the job is firing;
 * - otherwise nothing: never one message per failed run, and a skipped run says nothing about the job.
 *
 * Dedupe keys name the episode, so the same decision made twice (by two instances, or on a retry) is one alert:
 * `job:<name>:firing:after:<last success, or "none">` — the failure streak that began after the last success — and
 * `job:<name>:resolved:<since when it was firing>`.
 */
export function decideJobAlert(input: JobAlertInput): JobAlertDecision {
  const { job, state, run, consecutiveFailures } = input;
  const subject = jobAlertSubject(job);
  const threshold = Math.max(1, input.threshold);
  const now = input.now.toISOString();

  if (run.status === "skipped") return { action: "none", reason: "a skipped run says nothing about the job" };

  if (run.status === "failed" || run.status === "timed-out") {
    const dedupeKey = `${subject}:firing:after:${input.lastSuccessAt ?? "none"}`;
    // Firing since an earlier streak: its alert names another last success, and said that streak's count, not this one's.
    const earlierStreak =
      state.lastAlertKey !== null &&
      state.lastAlertKey.startsWith(`${subject}:firing:`) &&
      state.lastAlertKey !== dedupeKey;
    if (state.status === "firing" && !earlierStreak) {
      return {
        action: "none",
        reason: `already alerted (${state.step ?? "firing"}) since ${state.since ?? "an earlier run"}`,
      };
    }
    if (consecutiveFailures < threshold) {
      return { action: "none", reason: `${consecutiveFailures} of ${threshold} consecutive failures` };
    }
    const detail = run.errorMessage
      ? cut(run.errorMessage)
      : `The last run ${run.status === "timed-out" ? "timed out" : "failed"}${run.errorCode ? ` with ${run.errorCode}` : ""}.`;
    return {
      action: "fire",
      alert: {
        subject,
        kind: "firing",
        severity: "critical",
        title: `Job '${job}' has failed ${consecutiveFailures} run${consecutiveFailures === 1 ? "" : "s"} in a row`,
        text:
          `${withStop(detail)} ` +
          `${input.lastSuccessAt ? `The last success was the run at ${input.lastSuccessAt}.` : "No run of this job has succeeded yet."} ` +
          `The job keeps running on its schedule; this alert is sent once, and a "recovered" message follows when a ` +
          `run succeeds. Find the run in the logs by the correlation ids below.`,
        facts: facts(job, run, consecutiveFailures),
        dedupeKey,
        occurredAt: now,
      },
      next: {
        subject,
        status: "firing",
        step: `failures>=${threshold}`,
        since: now,
        lastAlertKey: dedupeKey,
      },
    };
  }

  if (state.status === "ok") return { action: "none", reason: "succeeded; nothing was alerted" };
  const dedupeKey = `${subject}:resolved:${state.since ?? "unknown"}`;
  return {
    action: "resolve",
    alert: {
      subject,
      kind: "resolved",
      severity: "info",
      title: `Job '${job}' recovered`,
      text:
        `The run at ${run.startedAt} succeeded${run.httpStatus === null ? "" : ` (HTTP ${run.httpStatus})`}. ` +
        `The job had been failing since ${state.since ?? "an earlier run"}` +
        `${state.step ? ` (alerted at ${state.step})` : ""}.`,
      facts: facts(job, run, consecutiveFailures),
      dedupeKey,
      occurredAt: now,
    },
    next: { subject, status: "ok", step: null, since: now, lastAlertKey: dedupeKey },
  };
}

/** The run's facts; those without a value are left out. */
function facts(job: string, run: JobRunFacts, consecutiveFailures: number): Alert["facts"] {
  const all: [string, string | number | null][] = [
    ["Job", job],
    ["Status", run.status],
    ["HTTP status", run.httpStatus],
    ["Attempts", run.attempts.length],
    ["Error code", run.errorCode],
    ["Consecutive failures", consecutiveFailures],
    ["Run id", run.runId],
    ["Started", run.startedAt],
    ["x-ms-client-request-id", run.correlation.clientRequestId || null],
    ["x-ms-request-id", run.correlation.requestId],
  ];
  return all.flatMap(([name, value]) => (value === null ? [] : [{ name, value: String(value) }]));
}

function cut(text: string): string {
  return text.length > ERROR_CHARS ? `${text.slice(0, ERROR_CHARS)}…` : text;
}

function withStop(text: string): string {
  return /[.!?…]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`;
}
