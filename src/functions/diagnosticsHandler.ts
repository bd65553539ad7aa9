import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { getServices, type Services } from "../container.js";
import { diagnoseTokenPath } from "../diagnostics/diagnoseTokenPath.js";
import { ConfigurationError } from "../errors.js";

/**
 * GET /api/diagnostics/token[?scope=<resource>/.default]: the token path's steps and the decoded claims of the
 * token the app gets. Never returns the raw token.
 */
export async function diagnosticsHandler(
  request: HttpRequest,
  context: InvocationContext,
  services: () => Services = getServices,
): Promise<HttpResponseInit> {
  let resolved: Services;
  try {
    resolved = services();
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    context.error(error.message);
    return { status: 500, jsonBody: { ok: false, error: { code: error.code, message: error.message } } };
  }
  const scope = request.query.get("scope") ?? undefined;
  const diagnosis = await diagnoseTokenPath(resolved, scope ? { scope } : {});
  if (!diagnosis.ok) context.warn("Token path diagnosis failed", diagnosis.error);
  return { status: diagnosis.ok ? 200 : 502, jsonBody: diagnosis };
}
