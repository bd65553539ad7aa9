import type { Clock } from "../clock/Clock.js";
import type { Deadline } from "../clock/Deadline.js";
import type { Logger } from "../logging/Logger.js";
import type { AlertChannel } from "./Alert.js";
import type { AlertLedger, DeliveryReport, StoredAlertState } from "./AlertLedger.js";
import { decideJobAlert, type JobRunFacts } from "./decideJobAlert.js";
import { jobAlertSubject } from "./jobAlertSubject.js";

export interface JobOutcome {
  job: string;
  run: JobRunFacts;
  consecutiveFailures: number;
  lastSuccessAt: string | null;
}

export interface JobNotifierDeps {
  ledger: AlertLedger;
  channels: readonly AlertChannel[];
  /** Consecutive failed runs before a job alerts (M2M_ALERT_AFTER_FAILURES). */
  threshold: number;
  clock: Clock;
  logger: Logger;
  /** Bounds every ledger call (Table Storage) and the deliveries it sends (the channels' posts). */
  deadline?: Deadline;
}

/** What happened, for logs and tests. */
export interface JobNotification {
  action: "fire" | "resolve" | "none";
  /** This call moved the state (false when nothing was to move, or another instance moved it first). */
  applied: boolean;
  /** Null when nothing was attempted (no channel) or the ledger failed before sending. */
  delivery: DeliveryReport | null;
  /** The ledger could not be read or written (returned, not thrown: the caller's run log line names it). */
  error: Error | null;
  /**
   * The job's alert state as this call left it in the ledger — read, or written by this call's transition — when the
   * call knows it; null when the ledger failed or another instance moved the state first.
   */
  state: StoredAlertState | null;
}

/**
 * After a run is recorded: read the job's alert state, decide (pure), record the decision in the ledger (once,
 * however many instances decide it), then send what is pending for this job — this run's alert and any of the job's
 * deliveries that failed before. Only this job's: another subject's alert (a certificate's, another job's) is sent,
 * retried and logged by the run that speaks for it, so this run's log lines and trace never carry it. Never throws: a ledger that cannot be used is returned as `error` (the run's one log line names it, and the
 * caller may tell the channels directly) and must not hide the job's own outcome. A channel that refuses a delivery
 * is logged here: the ledger retries it on the next run.
 */
export async function notifyJobOutcome(outcome: JobOutcome, deps: JobNotifierDeps): Promise<JobNotification> {
  const { ledger, channels, logger } = deps;
  const bounded = deps.deadline ? { deadline: deps.deadline } : {};
  const subject = jobAlertSubject(outcome.job);
  let action: JobNotification["action"] = "none";
  let applied = false;
  try {
    const state = await ledger.getState(subject, bounded);
    let after: StoredAlertState | null = state;
    const decision = decideJobAlert({
      job: outcome.job,
      state,
      run: outcome.run,
      consecutiveFailures: outcome.consecutiveFailures,
      lastSuccessAt: outcome.lastSuccessAt,
      threshold: deps.threshold,
      now: deps.clock(),
    });
    action = decision.action;
    if (decision.action !== "none") {
      const result = await ledger.transition(
        subject,
        state,
        decision.next,
        decision.alert,
        channels,
        bounded,
      );
      applied = result.applied;
      after = result.applied ? result.state : null;
      const properties = { job: outcome.job, runId: outcome.run.runId, dedupeKey: decision.alert.dedupeKey };
      if (!result.applied)
        logger.info("Alert state already moved by another run; nothing enqueued", properties);
      else if (decision.action === "fire") logger.warn(`Alert raised: ${decision.alert.title}`, properties);
      else logger.info(`Alert resolved: ${decision.alert.title}`, properties);
    }

    const delivery = await ledger.deliverPending(channels, { ...bounded, subject });
    for (const sent of delivery.sent) logger.info("Alert delivered", { job: outcome.job, ...sent });
    for (const failure of delivery.failed) {
      logger.error(
        failure.gaveUp
          ? `Alert delivery failed for the last time (${failure.attempts} attempts); it is given up`
          : "Alert delivery failed; it is retried on the next run",
        { job: outcome.job, ...failure },
      );
    }
    return { action, applied, delivery, error: null, state: after };
  } catch (error) {
    return {
      action,
      applied,
      delivery: null,
      error: error instanceof Error ? error : new Error(String(error)),
      state: null,
    };
  }
}
