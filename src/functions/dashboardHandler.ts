import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { systemClock, type Clock } from "../clock/Clock.js";
import { createDeadline } from "../clock/Deadline.js";
import { INTERACTIVE_BUDGET_MS } from "../clock/interactiveBudget.js";
import type { Dashboard } from "../dashboard/createDashboard.js";
import { renderDashboard } from "../dashboard/renderDashboard.js";
import { contextLogger } from "../logging/contextLogger.js";

/**
 * GET /api/dashboard: the status page, one HTML document with no script and no external asset. The policy header
 * allows nothing but its inline style, so the page works offline and nothing on it can load or run anything. The
 * page is ready within `budgetMs`: a part whose systems have not answered by then says so, the others show. HEAD is
 * answered as GET is — the same status and headers — without reading anything for a body it does not send.
 */
export async function dashboardHandler(
  request: HttpRequest,
  context: InvocationContext,
  dashboard: () => Dashboard,
  options: { budgetMs?: number; clock?: Clock } = {},
): Promise<HttpResponseInit> {
  if (request.method === "HEAD") return { status: 200, headers: HEADERS };
  const deadline = createDeadline({
    budgetMs: options.budgetMs ?? INTERACTIVE_BUDGET_MS,
    clock: options.clock ?? systemClock,
  });
  const model = await dashboard().model(contextLogger(context), deadline);
  return { status: 200, headers: HEADERS, body: renderDashboard(model) };
}

const HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};
