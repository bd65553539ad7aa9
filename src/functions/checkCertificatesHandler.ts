import type { InvocationContext, Timer } from "@azure/functions";
import type { InventoryService } from "../certificates/createInventoryService.js";
import { contextLogger } from "../logging/contextLogger.js";

/**
 * The scheduled certificate check (the backstop next to Key Vault's events): takes the inventory and logs one
 * structured, metric-friendly record per certificate (`certificate_days_left`) and one per drift finding, so a log
 * query or an Application Insights alert rule can chart and page on them.
 */
export async function checkCertificatesHandler(
  timer: Timer,
  context: InvocationContext,
  inventory: () => InventoryService,
): Promise<void> {
  const logger = contextLogger(context);
  if (timer.isPastDue) logger.warn("Certificate check is past due");
  const result = await inventory().inventory(logger);
  for (const item of result.items) {
    const record = {
      metric: "certificate_days_left",
      value: item.daysLeft,
      certificate: item.name,
      vault: item.vaultUrl,
      state: item.state,
      step: item.step,
      notAfter: item.notAfter,
      inUse: item.inUse,
      registration: item.registration,
    };
    if (item.state === "critical" || item.state === "expired") logger.error("Certificate expiry", record);
    else if (item.state === "warning" || item.state === "disabled" || item.state === "unknown")
      logger.warn("Certificate expiry", record);
    else logger.info("Certificate expiry", record);
  }
  for (const finding of [...result.findings, ...result.items.flatMap((item) => item.drift)]) {
    logger.warn(`Certificate drift: ${finding.message}`, {
      code: finding.code,
      severity: finding.severity,
      keyIds: finding.keyIds,
    });
  }
  if (result.graphError) logger.warn(`Registration status unknown: ${result.graphError}`);
}
