/** The running telemetry of the process: whether anything is exported, and how to push out what is buffered. */
export interface TelemetryHandle {
  readonly enabled: boolean;
  /** Where it goes, for the start-up log line: e.g. ["Application Insights (Entra ID)", "OTLP"]. */
  readonly destinations: readonly string[];
  /** Exports everything buffered; resolves by `timeoutMs` whatever the exporters do. */
  flush(timeoutMs: number): Promise<void>;
  /** Flushes and stops the exporters (the host is shutting the worker down); bounded by `timeoutMs`. */
  shutdown(timeoutMs: number): Promise<void>;
}

/** Nothing exported, nothing loaded: the OpenTelemetry API stays a no-op on every path. */
export const telemetryOff: TelemetryHandle = {
  enabled: false,
  destinations: [],
  flush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};
