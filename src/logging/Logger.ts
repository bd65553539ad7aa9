/**
 * The app's log sink. In a function it writes through the invocation (see invocationScope.ts); elsewhere to the
 * console. With telemetry on, each record also goes to OpenTelemetry with its properties as attributes, correlated
 * with the active span. Properties must be log-safe: never a token, secret or key.
 */
export interface Logger {
  /** Detail for someone debugging: below the host's default level (Information), so not kept in production. */
  debug(message: string, properties?: Record<string, unknown>): void;
  info(message: string, properties?: Record<string, unknown>): void;
  warn(message: string, properties?: Record<string, unknown>): void;
  error(message: string, properties?: Record<string, unknown>): void;
}

export type LogLevel = keyof Logger;

/** Discards everything: for code paths that have no logger to hand. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
