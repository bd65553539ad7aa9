import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { contextLogger } from "../logging/contextLogger.js";
import { appAuthorizer } from "./appAuthorizer.js";
import type { Authorizer } from "./createAuthorizer.js";
import type { AccessLevel, EndpointNeed } from "./EndpointNeed.js";
import { KeyCheckUnavailableError } from "./KeyCheckUnavailableError.js";

/** An HTTP function's handler, as the Functions library calls it. */
export type HttpHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

/**
 * Wraps an HTTP handler so that only callers with the endpoint's level reach it (see EndpointNeed); `rule` is the
 * level, or a function of the request when the level depends on it (diagnostics' scope).
 *
 * Why the app decides and not the host: the Functions host checks keys before the worker runs and does not pass on
 * which key it accepted, and a signed-in person without a key must get through, so the routes are
 * `authLevel: "anonymous"` at the host — the pattern Microsoft describes for function apps behind App Service
 * Authentication (https://github.com/Azure/azure-functions-host/issues/11394) — and this wrapper does the key check
 * itself, asking the host that issued the keys (see createKeyVerifier).
 *
 * Refusals answer like the other handlers, `{ error: { code, message } }`: 401 without a credential (or with a key
 * the host does not know), 403 when the caller lacks the role or key level (the message names it), 503
 * (AUTH_KEY_CHECK_UNAVAILABLE) when a key had to be checked and the host could not be asked. Every decision is
 * logged with who got through, never with the key.
 */
export function authorized(
  rule: AccessLevel | ((request: HttpRequest) => EndpointNeed),
  handler: HttpHandler,
  authorizer: () => Authorizer = appAuthorizer,
): HttpHandler {
  return async (request, context) => {
    const logger = contextLogger(context);
    const need = typeof rule === "string" ? { level: rule } : rule(request);
    let access;
    try {
      access = await authorizer().authorize(request, need, logger);
    } catch (error) {
      if (!(error instanceof KeyCheckUnavailableError)) throw error;
      logger.error("Access refused: the key could not be checked", {
        code: error.code,
        error: error.message,
      });
      return { status: 503, jsonBody: { error: { code: error.code, message: error.message } } };
    }
    if (!access.granted) {
      logger.warn("Access refused", { level: need.level, status: access.status, code: access.code });
      return { status: access.status, jsonBody: { error: { code: access.code, message: access.message } } };
    }
    logger.info("Access granted", { level: need.level, by: access.by });
    return handler(request, context);
  };
}
