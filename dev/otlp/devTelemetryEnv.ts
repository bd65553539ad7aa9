/**
 * The settings that make the app export to a local OTLP/HTTP receiver at `url` promptly: every signal to it (the
 * per-signal endpoints too, so ones set in the shell do not send a signal elsewhere), as JSON, metrics every second,
 * spans and log records within 200 ms (the SDK's defaults, 60 s and 1 s, suit production, not watching a demo).
 */
export function devTelemetryEnv(url: string): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: url,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${url}/v1/traces`,
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${url}/v1/metrics`,
    OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${url}/v1/logs`,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    OTEL_METRIC_EXPORT_INTERVAL: "1000",
    OTEL_BSP_SCHEDULE_DELAY: "200",
    OTEL_BLRP_SCHEDULE_DELAY: "200",
  };
}
