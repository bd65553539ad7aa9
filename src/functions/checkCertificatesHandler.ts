import type { InvocationContext, Timer } from "@azure/functions";
import type { CertificateWatch } from "../certificates/createCertificateWatch.js";
import { contextLogger } from "../logging/contextLogger.js";

/**
 * The scheduled certificate check (the backstop next to Key Vault's events): renews the app's certificate when it
 * is due, logs one metric-friendly record per certificate and alerts through the ledger (see CertificateWatch).
 */
export async function checkCertificatesHandler(
  timer: Timer,
  context: InvocationContext,
  watch: () => CertificateWatch,
): Promise<void> {
  const logger = contextLogger(context);
  if (timer.isPastDue) logger.warn("Certificate check is past due");
  const report = await watch().check(logger, "schedule");
  logger.info("Certificate check done", {
    certificates: report.inventory.items.length,
    renewal: report.renewal.report?.stoppedAt ?? (report.renewal.error ? "failed" : "not due"),
    alerts: report.alerts.filter((a) => a.applied).length,
    delivered: report.delivery?.sent.length ?? 0,
    deliveryFailures: report.delivery?.failed.length ?? 0,
  });
}
