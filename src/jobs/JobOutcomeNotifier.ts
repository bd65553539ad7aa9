import type { Deadline } from "../clock/Deadline.js";
import type { Logger } from "../logging/Logger.js";
import type { JobDefinition } from "./JobDefinition.js";
import type { RunResult } from "./RunResult.js";

/** Where a job stands after a run: what alerting decides on. */
export interface JobStanding {
  consecutiveFailures: number;
  /** Start of the last successful run: the current failure streak began after it. */
  lastSuccessAt: string | null;
  /**
   * Nobody else has recorded a run of the job since this process last did (see RecordedSummary): what this process
   * knows of the job's alert state still holds. Absent: not known.
   */
  uninterrupted?: boolean;
}

/** Whether the run reached run history, and where the job stands if it did. */
export type RunRecording =
  | { recorded: true; standing: JobStanding }
  /** Recording failed (Table Storage did not answer in time, refused, ...): nobody knows the job's streak. */
  | { recorded: false; error: Error };

/** The time alerting has after a run: both deadlines end within the record budget kept after the run's deadline. */
export interface JobNotifyContext {
  logger: Logger;
  /** Bounds the alert ledger's Table Storage calls and the deliveries it sends. */
  ledgerDeadline: Deadline;
  /** Bounds posts made straight to the channels when Table Storage failed: the rest of the record budget. */
  channelDeadline: Deadline;
}

/** What alerting did about a run, for the run's log line. */
export interface JobNotifyReport {
  /** Through the alert ledger; straight to the channels (Table Storage failed); or nothing was sent for this run. */
  via: "ledger" | "direct" | "none";
  /** Why the alert ledger could not be used (its Table Storage failed), or null. */
  ledgerError: Error | null;
}

/**
 * Hands a run's outcome to the alerting: through the alert ledger when the run was recorded (fire after N failures,
 * resolve on recovery), straight to the channels when Table Storage failed. Never throws.
 */
export type JobOutcomeNotifier = (
  job: JobDefinition,
  result: RunResult,
  recording: RunRecording,
  context: JobNotifyContext,
) => Promise<JobNotifyReport>;
