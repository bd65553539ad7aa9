import { invocationLogger } from "./invocationScope.js";
import type { Logger, LogLevel } from "./Logger.js";

/**
 * The process-wide logger the services receive: it writes into the invocation that is running (its lines are tied
 * to that invocation in the host's logs and traces), and to `outside` when no invocation is (start-up, the CLI).
 */
export function ambientLogger(outside: Logger): Logger {
  const write =
    (level: LogLevel) =>
    (message: string, properties?: Record<string, unknown>): void =>
      (invocationLogger() ?? outside)[level](message, properties);
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
}
