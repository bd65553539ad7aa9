/**
 * The app's log sink: the Functions InvocationContext in a function, the console in the CLI.
 * Properties must be log-safe: never a token, secret or key.
 */
export interface Logger {
  info(message: string, properties?: Record<string, unknown>): void;
  warn(message: string, properties?: Record<string, unknown>): void;
  error(message: string, properties?: Record<string, unknown>): void;
}

/** Discards everything: for code paths that have no logger to hand. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
