import { systemClock, type Clock } from "./clock/Clock.js";
import type { Config } from "./config/Config.js";
import { loadConfig, type Env } from "./config/loadConfig.js";
import type { CredentialProvider } from "./credentials/AppCredential.js";
import { createCredentialProvider } from "./credentials/createCredentialProvider.js";
import type { Logger } from "./logging/Logger.js";
import { consoleLogger } from "./logging/consoleLogger.js";
import { msalTokenSource } from "./tokens/msalTokenSource.js";
import type { TokenSource } from "./tokens/TokenSource.js";

/** The app's long-lived services. The Functions worker keeps the process warm, so they are built once. */
export interface Services {
  config: Config;
  credentials: CredentialProvider;
  tokens: TokenSource;
  clock: Clock;
  logger: Logger;
}

/** Composition root: wires the services for a configuration. */
export function createServices(config: Config, deps: { clock?: Clock; logger?: Logger } = {}): Services {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? consoleLogger();
  const credentials = createCredentialProvider(config, { clock, logger });
  const tokens = msalTokenSource({ config, credentials, logger, clock });
  return { config, credentials, tokens, clock, logger };
}

let config: Config | undefined;
let services: Services | undefined;

/** The process-wide configuration, read once from the app settings. Throws the list of every problem. */
export function getConfig(env: Env = process.env): Config {
  config ??= loadConfig(env);
  return config;
}

/**
 * The process-wide services, built on first use (not at import: registering functions costs no SDK client).
 * A configuration error is thrown to every caller until the settings are fixed.
 */
export function getServices(env: Env = process.env): Services {
  services ??= createServices(getConfig(env));
  return services;
}
