import type { Logger } from "../../src/logging/Logger.js";

type Entry = {
  level: "debug" | "info" | "warn" | "error";
  message: string;
  properties?: Record<string, unknown>;
};

/**
 * A logger that keeps what it is told, so tests can assert on logs — and on what never appears in them. Under the
 * secret scan (M2M_SECRET_LEDGER set, see test/security/secretScan.test.ts) it also prints every entry, so the app's
 * logs in the suites the scan runs are scanned too, not only what the tests print.
 */
export function recordingLogger() {
  const entries: Entry[] = [];
  const echo = Boolean(process.env.M2M_SECRET_LEDGER);
  const keep = (entry: Entry) => {
    entries.push(entry);
    if (echo)
      console.log(`[app log] ${entry.level} ${entry.message} ${JSON.stringify(entry.properties ?? {})}`);
  };
  const logger: Logger = {
    debug: (message, properties) => keep({ level: "debug", message, ...(properties ? { properties } : {}) }),
    info: (message, properties) => keep({ level: "info", message, ...(properties ? { properties } : {}) }),
    warn: (message, properties) => keep({ level: "warn", message, ...(properties ? { properties } : {}) }),
    error: (message, properties) => keep({ level: "error", message, ...(properties ? { properties } : {}) }),
  };
  return {
    logger,
    entries,
    text: () => entries.map((e) => `${e.message} ${JSON.stringify(e.properties ?? {})}`).join("\n"),
  };
}
