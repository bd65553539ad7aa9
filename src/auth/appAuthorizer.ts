import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { systemClock } from "../clock/Clock.js";
import type { Env } from "../config/Env.js";
import { authSettings } from "./authSettings.js";
import { createAuthorizer, type Authorizer } from "./createAuthorizer.js";
import { createKeyVerdictCache } from "./createKeyVerdictCache.js";
import { createKeyVerifier } from "./createKeyVerifier.js";
import { hostKeyProbe } from "./hostKeyProbe.js";
import { readAuthSettings } from "./readAuthSettings.js";
import { routePrefixOf } from "./routePrefixOf.js";

const SETTING_NAMES = [
  authSettings.operatorRole.name,
  authSettings.readerRole.name,
  "WEBSITE_AUTH_ENABLED",
  "WEBSITE_HOSTNAME",
];

// One cache per process: the host's answers outlive a change of settings (they are keyed by host and key).
const cache = createKeyVerdictCache({ clock: systemClock });
let current: { readonly values: string; readonly authorizer: Authorizer } | undefined;

/**
 * The process's authorizer for the app's settings. Built again only when one of its settings changes: the platform
 * sets WEBSITE_HOSTNAME and WEBSITE_AUTH_ENABLED, and a local host sets the host name once it listens, after the app
 * has loaded. Throws a ConfigurationError for an invalid role setting (src/functions/authKeyCheck.ts reads it at load,
 * so that is a start-up error).
 */
export function appAuthorizer(env: Env = process.env): Authorizer {
  const values = JSON.stringify(SETTING_NAMES.map((name) => env[name] ?? null));
  if (current?.values !== values) {
    const settings = readAuthSettings(env);
    const selfUrl = settings.self.url;
    current = {
      values,
      authorizer: createAuthorizer({
        settings,
        verifier:
          selfUrl === null
            ? null
            : createKeyVerifier({
                selfUrl,
                probe: hostKeyProbe({ selfUrl, routePrefix: routePrefix() }),
                cache,
              }),
        clock: systemClock,
      }),
    };
  }
  return current.authorizer;
}

/** The shipped host.json's route prefix; the app root is the working directory, as for M2M_JOBS_FILE. */
function routePrefix(): string {
  try {
    return routePrefixOf(readFileSync(resolve("host.json"), "utf8"));
  } catch {
    return routePrefixOf(null);
  }
}
