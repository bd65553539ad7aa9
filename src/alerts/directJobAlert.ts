import type { Alert } from "./Alert.js";
import type { JobRunFacts } from "./decideJobAlert.js";
import { jobAlertSubject } from "./jobAlertSubject.js";

/** Characters of an error message quoted in the alert. */
const ERROR_CHARS = 1000;

export interface DirectJobAlertInput {
  job: string;
  run: JobRunFacts;
  /** Why the alert ledger could not be used: the Table Storage error ("Table Storage did not answer within 20 s: …"). */
  storageError: string;
  /** The run was recorded in run history (only the alert ledger failed). */
  recorded: boolean;
  /** When this process first saw Table Storage fail for the job in the current streak: names the alert. */
  since: string;
  now: Date;
}

/**
 * Pure: the alert sent straight to the channels when Table Storage — run history or the alert ledger — failed, so the
 * usual alerting (after N failures, once per episode) cannot work: it says so, with the run's own outcome. Its
 * dedupe key names the job and the streak (`job:<name>:storage:<since>`), so a receiver can drop a repeat; the caller
 * sends it at most once per streak per process.
 */
export function directJobAlert(input: DirectJobAlertInput): Alert {
  const { job, run } = input;
  const subject = jobAlertSubject(job);
  const detail = run.errorMessage ? `: ${cut(run.errorMessage)}` : run.errorCode ? ` (${run.errorCode})` : "";
  const outcome = `${run.status === "timed-out" ? "timed out" : run.status}${detail}`;
  const lost = input.recorded
    ? "The run was recorded, but the alert ledger cannot be read or written"
    : "The run could not be recorded in run history";
  return {
    subject,
    kind: "firing",
    severity: "critical",
    title: `Job '${job}' cannot use Table Storage: its runs are not recorded or alerted as usual`,
    text:
      `${lost}: ${withStop(cut(input.storageError))} The run at ${run.startedAt} ${withStop(outcome)} ` +
      `While Table Storage fails, failures are not counted and alerts do not go through the alert ledger; this ` +
      `instance of the app sends this message once (each instance may send its own), and the usual alerts resume ` +
      `when Table Storage answers again. Check the storage account named by AzureWebJobsStorage / M2M_STORAGE_CONNECTION.`,
    facts: [
      { name: "Job", value: job },
      { name: "Status", value: run.status },
      ...(run.errorCode ? [{ name: "Error code", value: run.errorCode }] : []),
      { name: "Run id", value: run.runId },
      { name: "Started", value: run.startedAt },
      { name: "Table Storage failing since", value: input.since },
    ],
    dedupeKey: `${subject}:storage:${input.since}`,
    occurredAt: input.now.toISOString(),
  };
}

function cut(text: string): string {
  return text.length > ERROR_CHARS ? `${text.slice(0, ERROR_CHARS)}…` : text;
}

function withStop(text: string): string {
  return /[.!?…]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`;
}
