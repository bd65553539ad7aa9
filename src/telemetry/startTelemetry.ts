import type { Env } from "../config/Env.js";
import { telemetryOff, type TelemetryHandle } from "./TelemetryHandle.js";
import { readTelemetrySettings } from "./telemetrySettings.js";

/**
 * Starts OpenTelemetry for the process when a destination is configured: Application Insights
 * (APPLICATIONINSIGHTS_CONNECTION_STRING, with Entra authentication when APPLICATIONINSIGHTS_AUTHENTICATION_STRING is
 * set) and/or any OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT). With neither, the SDK is not even loaded: spans,
 * metrics and log records go to the API's no-ops. Call once, before the services are built.
 */
export async function startTelemetry(
  env: Env,
  report: (line: string) => void = console.error,
): Promise<TelemetryHandle> {
  const { settings, problems } = readTelemetrySettings(env);
  for (const problem of problems) report(`Telemetry setting ignored: ${problem}`);
  if (settings.azureMonitor === null && !settings.otlp) return telemetryOff;
  const { createTelemetrySdk } = await import("./createTelemetrySdk.js");
  return createTelemetrySdk(settings);
}
