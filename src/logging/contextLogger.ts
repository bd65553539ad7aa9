import type { InvocationContext } from "@azure/functions";
import { emitLogRecord } from "./emitLogRecord.js";
import { formatLogLine } from "./formatLogLine.js";
import type { Logger, LogLevel } from "./Logger.js";

let writingOwnLine = false;

/**
 * True while this logger writes to an invocation context: the log hook that forwards other `context.log` lines to
 * OpenTelemetry skips these, which were already sent with their properties as attributes.
 */
export function isOwnLogLine(): boolean {
  return writingOwnLine;
}

/**
 * Logs through the invocation's context, so each line is tied to its invocation in the host's log stream, with
 * its properties as JSON text. With telemetry on, the record also goes to OpenTelemetry with the properties as
 * attributes (custom dimensions in Application Insights), correlated with the active span.
 */
export function contextLogger(context: Pick<InvocationContext, "debug" | "info" | "warn" | "error">): Logger {
  const write =
    (level: LogLevel) =>
    (message: string, properties?: Record<string, unknown>): void => {
      emitLogRecord(level, message, properties);
      writingOwnLine = true;
      try {
        context[level](formatLogLine(message, properties));
      } finally {
        writingOwnLine = false;
      }
    };
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
}
