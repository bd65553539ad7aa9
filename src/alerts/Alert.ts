import type { Deadline } from "../clock/Deadline.js";

/** Something people must hear about, from any part of the app (jobs, certificates). */
export interface Alert {
  /** Stable identity of the thing alerted on, e.g. "job:nightly-sync" or "certificate:kv/app-cert". */
  subject: string;
  /** "firing" = something is wrong; "resolved" = it is fine again (recovered, renewed). */
  kind: "firing" | "resolved";
  severity: "info" | "warning" | "critical";
  title: string;
  /** Plain text: what happened, since when, what to do. */
  text: string;
  /** Name/value facts shown as a table (job, status, attempts, correlation id, ...). */
  facts: readonly { name: string; value: string }[];
  /** Unique per alert message: receivers and the ledger use it to drop duplicates. */
  dedupeKey: string;
  occurredAt: string;
}

/** One place alerts go (a Teams channel, a Slack channel, a webhook). */
export interface AlertChannel {
  /** Stable name, used in the ledger to track delivery per channel. */
  readonly name: string;
  /**
   * Delivers the alert or throws. Implementations do not retry: the ledger retries on the next run. With a
   * `deadline`, the post ends by it (TIMED_OUT naming the channel: "the Teams webhook did not answer within 5 s").
   */
  send(alert: Alert, deadline?: Deadline): Promise<void>;
}
