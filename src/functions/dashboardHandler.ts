import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { Dashboard } from "../dashboard/createDashboard.js";
import { renderDashboard } from "../dashboard/renderDashboard.js";
import { contextLogger } from "../logging/contextLogger.js";

/**
 * GET /api/dashboard: the status page, one HTML document with no script and no external asset. The policy header
 * allows nothing but its inline style, so the page works offline and nothing on it can load or run anything.
 */
export async function dashboardHandler(
  _request: HttpRequest,
  context: InvocationContext,
  dashboard: () => Dashboard,
): Promise<HttpResponseInit> {
  const model = await dashboard().model(contextLogger(context));
  return {
    status: 200,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "content-security-policy":
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    },
    body: renderDashboard(model),
  };
}
