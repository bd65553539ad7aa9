import type { InvocationContext, Timer } from "@azure/functions";
import type { Services } from "../container.js";
import { contextLogger } from "../logging/contextLogger.js";

/**
 * The scheduled certificate check (the backstop next to Key Vault's events): renews the app's certificate when it
 * is due, logs one metric-friendly record per certificate and alerts through the ledger (see CertificateWatch).
 * Then, whatever the check did, the day's housekeeping: run history and delivered alerts past M2M_RETENTION_DAYS
 * are deleted (see Retention). It rides on this timer because it runs once a day whatever the number of jobs, and
 * after the check, so it never delays a renewal or an alert.
 */
export async function checkCertificatesHandler(
  timer: Timer,
  context: InvocationContext,
  services: () => Pick<Services, "watch" | "retention">,
): Promise<void> {
  const logger = contextLogger(context);
  if (timer.isPastDue) logger.warn("Certificate check is past due");
  const { watch, retention } = services();
  try {
    const report = await watch.check(logger, "schedule");
    logger.info("Certificate check done", {
      certificates: report.inventory.items.length,
      renewal: report.renewal.report?.stoppedAt ?? (report.renewal.error ? "failed" : "not due"),
      alerts: report.alerts.filter((a) => a.applied).length,
      delivered: report.delivery?.sent.length ?? 0,
      deliveryFailures: report.delivery?.failed.length ?? 0,
    });
  } finally {
    await retention.purge(logger); // never throws: a check that failed keeps its own error
  }
}
