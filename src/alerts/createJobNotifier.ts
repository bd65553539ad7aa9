import type { JobOutcomeNotifier } from "../jobs/createJobsService.js";
import type { AlertChannel } from "./Alert.js";
import type { AlertLedger } from "./AlertLedger.js";
import { decideJobAlert } from "./decideJobAlert.js";

/**
 * After each recorded run: decide whether people must hear about it, record that in the ledger (once, however many
 * instances decide it), then send everything pending — this run's alert and any delivery that failed before.
 * Alerting problems are logged, never thrown: they must not hide the job's own outcome.
 */
export function createJobNotifier(deps: {
  channels: readonly AlertChannel[];
  ledger: AlertLedger;
  threshold: number;
}): JobOutcomeNotifier {
  return async (job, result, standing, logger) => {
    if (deps.channels.length === 0 || result.status === "skipped") return;
    try {
      const subject = `job:${job.name}`;
      const state = await deps.ledger.getState(subject);
      const decision = decideJobAlert({
        job: job.name,
        state,
        result,
        consecutiveFailures: standing.consecutiveFailures,
        lastSuccessAt: standing.lastSuccessAt,
        threshold: deps.threshold,
      });
      if (decision.action !== "none") {
        const moved = await deps.ledger.transition(state, decision.next, decision.alert, deps.channels);
        logger.info(
          moved
            ? `Alert ${decision.action === "fire" ? "raised" : "resolved"}`
            : "Alert already handled by another run",
          {
            job: job.name,
            dedupeKey: decision.alert.dedupeKey,
          },
        );
      }
      const report = await deps.ledger.deliverPending(deps.channels);
      for (const failure of report.failed) {
        logger.warn("Alert delivery failed; it is retried on the next run", failure);
      }
    } catch (error) {
      logger.error("Alerting failed; pending alerts are retried on the next run", {
        job: job.name,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };
}
