import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { InventoryService } from "../certificates/createInventoryService.js";
import type { Clock } from "../clock/Clock.js";
import { createDeadline } from "../clock/Deadline.js";
import { INTERACTIVE_BUDGET_MS } from "../clock/interactiveBudget.js";
import { M2mError, TimedOutError } from "../errors.js";
import { contextLogger } from "../logging/contextLogger.js";

/**
 * GET /api/certificates: the certificates of the app's vault with days left, state, thumbprints, whether the app
 * registration knows them, drift findings and the rotation's progress, within {@link INTERACTIVE_BUDGET_MS}: someone
 * is waiting, so a source that has not answered by then is listed as unreadable (TIMED_OUT naming it) next to what
 * was read. 502 when the app's own credential cannot be read, 504 when it cannot be read in time.
 */
export async function listCertificatesHandler(
  _request: HttpRequest,
  context: InvocationContext,
  services: () => { inventory: InventoryService; clock: Clock },
  budgetMs = INTERACTIVE_BUDGET_MS,
): Promise<HttpResponseInit> {
  const logger = contextLogger(context);
  const { inventory, clock } = services();
  const deadline = createDeadline({ budgetMs, clock });
  try {
    return { status: 200, jsonBody: await inventory.inventory(logger, deadline) };
  } catch (error) {
    if (!(error instanceof M2mError)) throw error;
    const status = error instanceof TimedOutError ? 504 : 502;
    logger.error("Certificate inventory failed", {
      status,
      code: error.code,
      edge: error instanceof TimedOutError ? error.edge : null,
      error: error.message,
    });
    return { status, jsonBody: { error: { code: error.code, message: error.message } } };
  }
}
