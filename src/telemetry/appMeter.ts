import { metrics } from "@opentelemetry/api";
import { createAppMetrics, type AppMetrics } from "./AppMetrics.js";
import { INSTRUMENTATION_SCOPE } from "./tracer.js";

/**
 * The app's metrics on the registered MeterProvider. The API has no proxy for meters: instruments made before a
 * provider is registered stay no-ops, so this is called when the services are built (after telemetry started).
 */
export function appMetrics(): AppMetrics {
  return createAppMetrics(metrics.getMeter(INSTRUMENTATION_SCOPE));
}
