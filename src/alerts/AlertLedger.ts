import type { StorageCallOptions } from "../state/StorageCallOptions.js";
import type { Alert, AlertChannel } from "./Alert.js";

/** What people were last told about a subject. */
export interface AlertState {
  subject: string;
  status: "ok" | "firing";
  /**
   * The escalation step last alerted on ("failures>=3" for jobs; `<urgency>|<episode>|<label>` for conditions, see
   * decideConditionAlert). Null when ok, except that a resolved condition keeps the episode it closed.
   */
  step: string | null;
  /** When the subject entered this status (ISO 8601); null for a subject the ledger has never seen. */
  since: string | null;
  /** dedupeKey of the last alert enqueued for the subject; null when none ever was. */
  lastAlertKey: string | null;
}

/** A state as read from the ledger. Pass it back as `expected` to change it. */
export interface StoredAlertState extends AlertState {
  /** What the stored row must still be for a transition to apply (its ETag); null when no row exists yet. */
  readonly version: string | null;
}

export type TransitionResult =
  /** This call moved the subject and enqueued the alert on every channel. */
  | { applied: true; state: StoredAlertState }
  /** The subject had moved on (another instance got there first, or the alert was enqueued before): nothing written. */
  | { applied: false; current: StoredAlertState };

/** One delivery that did not go through on this call. */
export interface DeliveryFailure {
  dedupeKey: string;
  channel: string;
  /** The channel's error message (never a webhook URL's secret parts). */
  error: string;
  /**
   * The failure's code (ALERT_CHANNEL_REJECTED, ALERT_CHANNEL_UNREACHABLE, TIMED_OUT naming the channel, a STATE_
   * code when the claim failed, …), or null for an error that has none.
   */
  code: string | null;
  /** Attempts so far, this one included. */
  attempts: number;
  /** True when this was the last attempt allowed: the delivery is not tried again. */
  gaveUp: boolean;
}

export interface DeliveryReport {
  sent: { dedupeKey: string; channel: string }[];
  failed: DeliveryFailure[];
}

/** An alert as a status page shows it: what was said, and whether each channel got it. */
export interface RecentAlert {
  alert: Alert;
  deliveries: {
    channel: string;
    status: "pending" | "sent" | "failed";
    attempts: number;
    sentAt: string | null;
    lastError: string | null;
  }[];
}

/**
 * How long a ledger call may take: with a `deadline`, every Table Storage request it makes ends by it (TIMED_OUT naming
 * Table Storage), and so does every channel post `deliverPending` makes (TIMED_OUT naming the channel).
 */
export type LedgerCallOptions = StorageCallOptions;

export interface DeliverOptions extends LedgerCallOptions {
  /** Default: the ledger's clock. Claims are dated with it and compared against it. */
  now?: Date;
  /** Attempts per delivery before it is given up. Default DEFAULT_MAX_DELIVERY_ATTEMPTS. */
  maxAttempts?: number;
  /**
   * Only the deliveries of the subjects this accepts (default: every subject). A job's run sends its own job's alerts
   * and the certificate check its own subjects', so each delivery — and its log line and span — belongs to the run
   * that speaks for its subject.
   */
  subjects?: (subject: string) => boolean;
  /**
   * Only this one subject's deliveries (with `subjects`, those it also accepts): a query of the subject's partition,
   * not a scan of the ledger — what a job's run asks after every run.
   */
  subject?: string;
}

/** With runs every few minutes, about an hour of retrying; with a daily job, two weeks. */
export const DEFAULT_MAX_DELIVERY_ATTEMPTS = 15;

/**
 * Alert state per subject and one delivery per alert and channel, shared by every instance of the app (jobs and
 * certificates alike). Deciding is the caller's (a pure policy); the ledger makes the decision stick once and gets
 * the message out.
 */
export interface AlertLedger {
  /** The subject's state; a subject never seen reads as ok, with `since`, `lastAlertKey` and `version` null. */
  getState(subject: string, options?: LedgerCallOptions): Promise<StoredAlertState>;

  /**
   * Every subject's stored state whose name starts with one of `prefixes`, in one query whatever their number (a
   * subject that has none is absent: it is "ok"). What a check that tells many subjects reads once, instead of one
   * getState per subject.
   */
  states(prefixes: readonly string[], options?: LedgerCallOptions): Promise<Map<string, StoredAlertState>>;

  /** Alerts raised since `since`, newest first (at most `limit`), each with its delivery per channel: for status pages. */
  recentAlerts(since: Date, limit: number, options?: LedgerCallOptions): Promise<RecentAlert[]>;

  /**
   * Moves `subject` from `expected` to `next` and, when `alert` is given, enqueues it once per channel, in one atomic
   * step: of several instances racing from the same expected state exactly one applies; an alert whose dedupeKey
   * was enqueued before is never enqueued again. With an alert, `next.lastAlertKey` must be its dedupeKey.
   */
  transition(
    subject: string,
    expected: StoredAlertState,
    next: AlertState,
    alert: Alert | null,
    channels: readonly AlertChannel[],
    options?: LedgerCallOptions,
  ): Promise<TransitionResult>;

  /**
   * Sends every delivery not yet sent — this run's and earlier runs', of the subjects `options.subjects` accepts —
   * on the given channels, each at most once
   * across instances (claimed before sending; a claim left by a crashed instance expires). Channel failures are
   * reported, never thrown; throws only when the ledger itself cannot be read. With a deadline, sending stops at it
   * (what was not sent is sent on a later call) and a claim lasts no longer than it: past the deadline the sender
   * cannot be sending any more, so the next call may claim the delivery again.
   */
  deliverPending(channels: readonly AlertChannel[], options?: DeliverOptions): Promise<DeliveryReport>;
}
