import type { Logger } from "./Logger.js";

/**
 * Logs one line per event to the console: the Functions host collects console output into its logs and
 * Application Insights. `json` writes a JSON object per line (structured, query-friendly).
 */
export function consoleLogger(
  options: { json?: boolean; minLevel?: "info" | "warn" | "error" } = {},
): Logger {
  const levels = { info: 0, warn: 1, error: 2 } as const;
  const min = levels[options.minLevel ?? "info"];
  const write = (level: keyof typeof levels) => (message: string, properties?: Record<string, unknown>) => {
    if (levels[level] < min) return;
    const line = options.json
      ? JSON.stringify({ level, message, ...properties })
      : `${message}${properties && Object.keys(properties).length ? ` ${JSON.stringify(properties)}` : ""}`;
    (level === "info" ? console.info : level === "warn" ? console.warn : console.error)(line);
  };
  return { info: write("info"), warn: write("warn"), error: write("error") };
}
