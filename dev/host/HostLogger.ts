import type { RpcLogLevel } from "./functionsCoreTypes.js";

export type HostLogLevel = Exclude<RpcLogLevel, "none">;

export interface HostLogEntry {
  readonly level: HostLogLevel;
  /**
   * "user": the function's `context.log/info/warn/error`; "system": the library (`@azure/functions`); "host": the
   * local host itself (Executing/Executed, timers, listener).
   */
  readonly category: "user" | "system" | "host";
  readonly message: string;
  readonly functionName?: string;
  readonly invocationId?: string;
  /** The failure, when the entry reports one. */
  readonly error?: unknown;
}

/** Where the local host sends every log line: the app's and its own. */
export interface HostLogger {
  log(entry: HostLogEntry): void;
}

export const hostLogLevels: readonly HostLogLevel[] = [
  "trace",
  "debug",
  "information",
  "warning",
  "error",
  "critical",
];
