import { systemClock, type Clock } from "../clock/Clock.js";
import type { JobOutcomeNotifier } from "../jobs/createJobsService.js";
import type { AlertChannel } from "./Alert.js";
import type { AlertLedger } from "./AlertLedger.js";
import { notifyJobOutcome } from "./notifyJobOutcome.js";

/**
 * The job runner's notifier: notifyJobOutcome for each recorded run, logging to the run's logger. With no channel
 * configured it does nothing (no storage calls for alerts nobody would get).
 */
export function createJobNotifier(deps: {
  channels: readonly AlertChannel[];
  ledger: AlertLedger;
  threshold: number;
  clock?: Clock;
}): JobOutcomeNotifier {
  const clock = deps.clock ?? systemClock;
  return async (job, result, standing, logger) => {
    if (deps.channels.length === 0) return;
    await notifyJobOutcome(
      {
        job: job.name,
        run: result,
        consecutiveFailures: standing.consecutiveFailures,
        lastSuccessAt: standing.lastSuccessAt,
      },
      { ledger: deps.ledger, channels: deps.channels, threshold: deps.threshold, clock, logger },
    );
  };
}
