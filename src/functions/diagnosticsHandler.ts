import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { getServices, type Services } from "../container.js";
import { diagnoseTokenPath } from "../diagnostics/diagnoseTokenPath.js";

/**
 * GET /api/diagnostics/token[?scope=<resource>/.default]: the token path's steps and the decoded claims of the
 * token the app gets. Never returns the raw token. Settings were checked when the app loaded (src/functions/jobs.ts
 * reads them to register the job timers), so invalid ones never reach this handler.
 */
export async function diagnosticsHandler(
  request: HttpRequest,
  context: InvocationContext,
  services: () => Services = getServices,
): Promise<HttpResponseInit> {
  const scope = request.query.get("scope") ?? undefined;
  const diagnosis = await diagnoseTokenPath(services(), scope ? { scope } : {});
  if (!diagnosis.ok) context.warn("Token path diagnosis failed", diagnosis.error);
  return { status: diagnosis.ok ? 200 : 502, jsonBody: diagnosis };
}
