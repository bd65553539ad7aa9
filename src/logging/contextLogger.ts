import type { InvocationContext } from "@azure/functions";
import type { Logger } from "./Logger.js";

/**
 * Logs through the invocation's context, so each line is tied to its invocation in the host's logs and
 * Application Insights. Properties go as a second argument, which the Functions library formats into the message
 * text (util.format): they are readable in the trace's message but are not custom dimensions, so they cannot be
 * queried or charted as fields (making them so is the OpenTelemetry work of issue 13).
 */
export function contextLogger(context: Pick<InvocationContext, "info" | "warn" | "error">): Logger {
  const write =
    (method: "info" | "warn" | "error") => (message: string, properties?: Record<string, unknown>) => {
      if (properties && Object.keys(properties).length > 0) context[method](message, properties);
      else context[method](message);
    };
  return { info: write("info"), warn: write("warn"), error: write("error") };
}
