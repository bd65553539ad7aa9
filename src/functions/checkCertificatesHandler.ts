import type { InvocationContext, Timer } from "@azure/functions";
import { createDeadline } from "../clock/Deadline.js";
import type { Config } from "../config/Config.js";
import type { Services } from "../container.js";
import { contextLogger } from "../logging/contextLogger.js";

/**
 * The scheduled certificate check (the backstop next to Key Vault's events): renews the app's certificate when it
 * is due, logs one metric-friendly record per certificate and alerts through the ledger (see CertificateWatch), all
 * within M2M_RUN_DEADLINE_SECONDS. Then, whatever the check did, the day's housekeeping: run history and delivered
 * alerts past M2M_RETENTION_DAYS are deleted (see Retention), in the time the check left. It rides on this timer
 * because it runs once a day whatever the number of jobs, and after the check, so it never delays a renewal or an
 * alert.
 */
export async function checkCertificatesHandler(
  timer: Timer,
  context: InvocationContext,
  services: () => Pick<Services, "watch" | "retention" | "clock"> & { config: Pick<Config, "runDeadlineMs"> },
): Promise<void> {
  const logger = contextLogger(context);
  if (timer.isPastDue) logger.warn("Certificate check is past due");
  const { watch, retention, config, clock } = services();
  const deadline = createDeadline({ budgetMs: config.runDeadlineMs, clock });
  try {
    const report = await watch.check(logger, "schedule", deadline);
    logger.info("Certificate check done", {
      certificates: report.inventory?.items.length ?? null,
      renewal: report.renewal.report?.stoppedAt ?? (report.renewal.error ? "failed" : "not due"),
      alerts: report.alerts.filter((a) => a.applied).length,
      delivered: report.delivery?.sent.length ?? 0,
      deliveryFailures: report.delivery?.failed.length ?? 0,
      timedOut: report.timedOut?.edge ?? null,
    });
  } finally {
    // Never throws: a check that failed keeps its own error. Stops at the deadline (the next check deletes more).
    await retention.purge(logger, { signal: deadline.signal });
  }
}
