import type { Clock } from "../clock/Clock.js";
import { createDeadline } from "../clock/Deadline.js";
import type { Logger } from "../logging/Logger.js";
import type { KeyVerifier } from "./createKeyVerifier.js";
import { decideAccess, type Access } from "./decideAccess.js";
import type { EndpointNeed } from "./EndpointNeed.js";
import { KeyCheckUnavailableError } from "./KeyCheckUnavailableError.js";
import { presentedKey } from "./presentedKey.js";
import type { AuthSettings } from "./readAuthSettings.js";
import { readClientPrincipal } from "./readClientPrincipal.js";

/** The parts of an HTTP request that say who is calling (the Functions library's HttpRequest has them). */
export interface CallerRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: { get(name: string): string | null };
  readonly query: { get(name: string): string | null };
}

/** Decides whether a request may reach an endpoint. */
export interface Authorizer {
  /** The verdict; throws KeyCheckUnavailableError when only a key could let the caller in and its host cannot be asked. */
  authorize(request: CallerRequest, need: EndpointNeed, logger: Logger): Promise<Access>;
}

/**
 * How long a request may wait for the host to say what a key opens: a small part of the interactive budget, and of
 * the 30 s kept after a job run's deadline for recording it (the check runs before the run's own deadline starts).
 * A cached answer costs nothing.
 */
export const KEY_CHECK_BUDGET_MS = 5_000;

/**
 * The principal first: a trusted `x-ms-client-principal` with the right app role lets the caller in without asking
 * the host anything. Only when it does not, and a key was presented, is the key checked with its host. A header the
 * platform cannot have sent (authentication off) or cannot be read is ignored, with a warning, never an error: the
 * caller may still have a key.
 */
export function createAuthorizer(deps: {
  readonly settings: AuthSettings;
  /** Null when the app cannot ask its host (settings.self says why): presented keys are then refused with 503. */
  readonly verifier: KeyVerifier | null;
  readonly clock: Clock;
  readonly keyCheckBudgetMs?: number;
}): Authorizer {
  const { settings } = deps;
  return {
    async authorize(request, need, logger) {
      const reading = readClientPrincipal(request.headers.get("x-ms-client-principal"), settings.authEnabled);
      if (reading.kind === "untrusted") {
        logger.warn(
          "x-ms-client-principal ignored: App Service Authentication is not enabled (WEBSITE_AUTH_ENABLED), so anyone could have sent it",
        );
      } else if (reading.kind === "malformed") {
        logger.warn(`x-ms-client-principal ignored: ${reading.reason}`);
      }
      const facts = {
        need,
        // The path only: the query may carry the key (?code=).
        target: `${request.method.toUpperCase()} ${new URL(request.url).pathname}`,
        principal: reading.kind === "principal" ? reading.principal : null,
        roles: settings.roles,
      };
      const byPrincipal = decideAccess({ ...facts, key: "absent" });
      const key = presentedKey(request.headers.get("x-functions-key"), request.query.get("code"));
      if (byPrincipal.granted || key === null) return byPrincipal;
      if (!deps.verifier) {
        throw new KeyCheckUnavailableError(
          settings.self.url === null ? settings.self.problem : "the app has no way to check keys",
        );
      }
      const deadline = createDeadline({
        budgetMs: deps.keyCheckBudgetMs ?? KEY_CHECK_BUDGET_MS,
        clock: deps.clock,
      });
      return decideAccess({ ...facts, key: await deps.verifier.level(key, need.level, deadline) });
    },
  };
}
