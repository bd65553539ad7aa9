import { inspect } from "node:util";
import { hostLogLevels, type HostLogEntry, type HostLogger, type HostLogLevel } from "./HostLogger.js";

/**
 * Writes log lines to the console like `func start`: `[time] message`, with the function's name before the
 * messages the function and the library write. Warnings and errors go to stderr.
 */
export function consoleHostLogger(options: { minLevel?: HostLogLevel; now?: () => Date } = {}): HostLogger {
  const min = hostLogLevels.indexOf(options.minLevel ?? "information");
  const now = options.now ?? (() => new Date());
  return {
    log(entry: HostLogEntry) {
      if (hostLogLevels.indexOf(entry.level) < min) return;
      const prefix = entry.functionName && entry.category !== "host" ? `${entry.functionName}: ` : "";
      let line = `[${now().toISOString()}] ${prefix}${entry.message}`;
      if (entry.error !== undefined) {
        line += `\n${entry.error instanceof Error ? (entry.error.stack ?? entry.error.message) : inspect(entry.error)}`;
      }
      if (entry.level === "error" || entry.level === "critical") console.error(line);
      else if (entry.level === "warning") console.warn(line);
      else console.log(line);
    },
  };
}
