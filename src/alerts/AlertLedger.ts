import type { Alert, AlertChannel } from "./Alert.js";

/** What people were last told about a subject. */
export interface AlertState {
  subject: string;
  status: "ok" | "firing";
  /** The escalation step last alerted ("failures>=3", "14 days"), or null when ok. */
  step: string | null;
  since: string | null;
  /** The episode being alerted on (dedupe key prefix), or null when ok. */
  episode: string | null;
}

export interface DeliveryReport {
  sent: number;
  failed: { dedupeKey: string; channel: string; error: string }[];
}

/**
 * The alert ledger: per-subject state and a delivery row per alert and channel. Two instances deciding the same
 * alert enqueue it once; every delivery is sent once (claims are ETag-guarded) and retried on later runs until it
 * goes through.
 */
export interface AlertLedger {
  getState(subject: string): Promise<AlertState | null>;
  /**
   * Moves the subject from `expected` (null = no state yet) to `next` and enqueues `alert` on every channel.
   * Returns false when another instance moved it first (nothing enqueued twice).
   */
  transition(
    expected: AlertState | null,
    next: AlertState,
    alert: Alert,
    channels: readonly AlertChannel[],
  ): Promise<boolean>;
  /** Sends every pending delivery, this run's and earlier ones'. Failures are reported, never thrown. */
  deliverPending(channels: readonly AlertChannel[]): Promise<DeliveryReport>;
}
