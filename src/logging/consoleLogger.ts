import { emitLogRecord } from "./emitLogRecord.js";
import { formatLogLine } from "./formatLogLine.js";
import type { Logger, LogLevel } from "./Logger.js";

const LEVELS: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
const WRITE = { debug: console.debug, info: console.info, warn: console.warn, error: console.error } as const;

/**
 * Logs one line per event to the console (the CLI, and the app outside any invocation). `json` writes a JSON
 * object per line. With telemetry on, records at or above `minLevel` also go to OpenTelemetry with attributes.
 */
export function consoleLogger(options: { json?: boolean; minLevel?: LogLevel } = {}): Logger {
  const min = LEVELS[options.minLevel ?? "info"];
  const write =
    (level: LogLevel) =>
    (message: string, properties?: Record<string, unknown>): void => {
      if (LEVELS[level] < min) return;
      emitLogRecord(level, message, properties);
      const line = options.json
        ? JSON.stringify({ level, message, ...properties })
        : formatLogLine(message, properties);
      WRITE[level](line);
    };
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
}
