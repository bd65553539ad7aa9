import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { createDeadline } from "../clock/Deadline.js";
import { INTERACTIVE_BUDGET_MS } from "../clock/interactiveBudget.js";
import { getServices, type Services } from "../container.js";
import { diagnoseTokenPath } from "../diagnostics/diagnoseTokenPath.js";

/**
 * GET /api/diagnostics/token[?scope=<resource>/.default]: the token path's steps and the decoded claims of the
 * token the app gets. Never returns the raw token. 200 when the path works, 504 when a system did not answer within
 * `budgetMs` (TIMED_OUT naming it), 502 with the error's code and fix otherwise. Settings were checked when the app
 * loaded (src/functions/jobs.ts reads them to register the job timers), so invalid ones never reach this handler.
 */
export async function diagnosticsHandler(
  request: HttpRequest,
  context: InvocationContext,
  services: () => Services = getServices,
  options: { budgetMs?: number } = {},
): Promise<HttpResponseInit> {
  const scope = request.query.get("scope") ?? undefined;
  const app = services();
  const deadline = createDeadline({ budgetMs: options.budgetMs ?? INTERACTIVE_BUDGET_MS, clock: app.clock });
  const diagnosis = await diagnoseTokenPath(app, { ...(scope ? { scope } : {}), deadline });
  if (!diagnosis.ok) context.warn("Token path diagnosis failed", diagnosis.error);
  const status = diagnosis.ok ? 200 : diagnosis.error?.code === "TIMED_OUT" ? 504 : 502;
  return { status, jsonBody: diagnosis };
}
