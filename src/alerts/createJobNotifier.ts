import { systemClock, type Clock } from "../clock/Clock.js";
import type { JobOutcomeNotifier, JobStanding } from "../jobs/JobOutcomeNotifier.js";
import type { AlertChannel } from "./Alert.js";
import type { AlertLedger, StoredAlertState } from "./AlertLedger.js";
import { decideJobAlert } from "./decideJobAlert.js";
import { directJobAlert } from "./directJobAlert.js";
import { notifyJobOutcome, type JobNotification } from "./notifyJobOutcome.js";

/**
 * How long a job's alert state, as this process last saw it in the ledger, stands in for reading it again (see
 * createJobNotifier). It bounds how late this process notices what another instance left outside its sight: a delivery
 * claimed by an instance that then died (sent again), or an alert that instance decided on an older run and wrote
 * only after this process's last pass (resolved, if the job is well) — at the job's first run after this long.
 */
export const ALERT_RECHECK_MS = 10 * 60_000;

/**
 * The job runner's notifier. A recorded run goes through notifyJobOutcome and the alert ledger (fire after N failures,
 * once per episode; resolve on recovery), bounded by the run's ledger deadline. When Table Storage failed — the run
 * could not be recorded, or the ledger could not be used — nobody can count failures or dedupe across instances, so
 * the channels are told directly (directJobAlert), bounded by the channel deadline. With no channel configured it does
 * nothing (no storage calls for alerts nobody would get).
 *
 * Duplicates of the direct alert are bounded per process: each job's direct alert goes to each channel at most once
 * per streak of Table Storage failures this process sees (a channel that refused it is tried again on the job's next
 * run), and the streak ends when a run of the job goes through the ledger again. So an outage sends at most one
 * direct alert per job, channel and app instance (and one more after each restart); receivers can drop repeats by the
 * dedupe key, which names the streak's start.
 *
 * A warm instance does not read the ledger on every run. After a pass through it that left nothing pending for the job,
 * the job's state is kept here; a later run whose recording was uninterrupted (nobody else recorded a run of the job
 * since this process did, so nobody else can have moved its alert state or queued its deliveries) and whose decision on
 * that state is "nothing to do" makes no ledger call at all. A decision to fire or resolve, an interrupted recording, a
 * pass that left a delivery pending, or {@link ALERT_RECHECK_MS} since the last pass goes through the ledger as before.
 */
export function createJobNotifier(deps: {
  channels: readonly AlertChannel[];
  ledger: AlertLedger;
  threshold: number;
  clock?: Clock;
}): JobOutcomeNotifier {
  const clock = deps.clock ?? systemClock;
  /** Per job: since when Table Storage has been failing for it here, and which channels took the direct alert. */
  const streaks = new Map<string, { since: string; told: Set<string> }>();
  /** Per job: its alert state after this process's last pass through the ledger that left nothing pending, and when. */
  const known = new Map<string, { state: StoredAlertState; atMs: number }>();

  /** The kept state still stands for the ledger's, and on it this run changes nothing. */
  const nothingToDo = (
    name: string,
    result: Parameters<JobOutcomeNotifier>[1],
    standing: JobStanding,
  ): boolean => {
    const kept = known.get(name);
    if (!kept || standing.uninterrupted !== true || clock().getTime() - kept.atMs >= ALERT_RECHECK_MS)
      return false;
    return (
      decideJobAlert({
        job: name,
        state: kept.state,
        run: result,
        consecutiveFailures: standing.consecutiveFailures,
        lastSuccessAt: standing.lastSuccessAt,
        threshold: deps.threshold,
        now: clock(),
      }).action === "none"
    );
  };

  /** Keeps what a pass through the ledger learned, when it knows the state and left nothing to send again. */
  const keep = (name: string, notification: JobNotification) => {
    const pending = notification.delivery === null || notification.delivery.failed.some((f) => !f.gaveUp);
    if (notification.state && !pending)
      known.set(name, { state: notification.state, atMs: clock().getTime() });
    else known.delete(name);
  };

  return async (job, result, recording, context) => {
    if (deps.channels.length === 0) return { via: "none", ledgerError: null };
    let storageError: Error;
    if (recording.recorded) {
      if (nothingToDo(job.name, result, recording.standing)) return { via: "none", ledgerError: null };
      const notification = await notifyJobOutcome(
        {
          job: job.name,
          run: result,
          consecutiveFailures: recording.standing.consecutiveFailures,
          lastSuccessAt: recording.standing.lastSuccessAt,
        },
        {
          ledger: deps.ledger,
          channels: deps.channels,
          threshold: deps.threshold,
          clock,
          logger: context.logger,
          deadline: context.ledgerDeadline,
        },
      );
      keep(job.name, notification);
      if (notification.error === null) {
        streaks.delete(job.name);
        return { via: "ledger", ledgerError: null };
      }
      storageError = notification.error;
    } else {
      storageError = recording.error;
    }

    const streak = streaks.get(job.name) ?? { since: clock().toISOString(), told: new Set<string>() };
    streaks.set(job.name, streak);
    const untold = deps.channels.filter((channel) => !streak.told.has(channel.name));
    const ledgerError = recording.recorded ? storageError : null;
    if (untold.length === 0) return { via: "none", ledgerError };

    const alert = directJobAlert({
      job: job.name,
      run: result,
      storageError: storageError.message,
      recorded: recording.recorded,
      since: streak.since,
      now: clock(),
    });
    const sent = await Promise.all(
      untold.map(async (channel) => {
        try {
          await channel.send(alert, context.channelDeadline);
          streak.told.add(channel.name);
          return true;
        } catch (error) {
          context.logger.warn("Could not send the alert directly; it is tried again on the job's next run", {
            job: job.name,
            runId: result.runId,
            channel: channel.name,
            error: error instanceof Error ? error.message : String(error),
          });
          return false;
        }
      }),
    );
    return { via: sent.includes(true) ? "direct" : "none", ledgerError };
  };
}
