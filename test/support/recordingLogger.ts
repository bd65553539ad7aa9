import type { Logger } from "../../src/logging/Logger.js";

/** A logger that keeps what it is told, so tests can assert on logs — and on what never appears in them. */
export function recordingLogger() {
  const entries: {
    level: "info" | "warn" | "error";
    message: string;
    properties?: Record<string, unknown>;
  }[] = [];
  const logger: Logger = {
    info: (message, properties) =>
      entries.push({ level: "info", message, ...(properties ? { properties } : {}) }),
    warn: (message, properties) =>
      entries.push({ level: "warn", message, ...(properties ? { properties } : {}) }),
    error: (message, properties) =>
      entries.push({ level: "error", message, ...(properties ? { properties } : {}) }),
  };
  return {
    logger,
    entries,
    text: () => entries.map((e) => `${e.message} ${JSON.stringify(e.properties ?? {})}`).join("\n"),
  };
}
