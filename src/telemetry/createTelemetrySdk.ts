// Loaded only when a destination is configured (see startTelemetry.ts): the SDK and exporters cost nothing otherwise.
import { useInstrumenter } from "@azure/core-tracing";
import { ManagedIdentityCredential } from "@azure/identity";
import {
  AzureMonitorLogExporter,
  AzureMonitorMetricExporter,
  AzureMonitorTraceExporter,
} from "@azure/monitor-opentelemetry-exporter";
import { context, diag, DiagLogLevel, metrics, propagation, trace } from "@opentelemetry/api";
import { logs } from "@opentelemetry/api-logs";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { detectResources, envDetector, resourceFromAttributes } from "@opentelemetry/resources";
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from "@opentelemetry/sdk-logs";
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { azureSdkInstrumenter } from "./azureSdkInstrumenter.js";
import type { TelemetryHandle } from "./TelemetryHandle.js";
import type { TelemetrySettings } from "./telemetrySettings.js";

interface Exporters {
  name: string;
  spans: SpanExporter;
  metrics: PushMetricExporter;
  logs: LogRecordExporter;
}

/**
 * Registers the OpenTelemetry SDK as the process's providers: traces (parent-based sampling: the Functions host's
 * decision for the invocation holds), metrics (never sampled, exported every OTEL_METRIC_EXPORT_INTERVAL), logs, W3C
 * trace-context propagation and the async-local context, plus the Azure SDK's own spans (Key Vault, Table Storage,
 * managed identity). Exporters: Application Insights and/or OTLP/HTTP JSON.
 */
export function createTelemetrySdk(settings: TelemetrySettings): TelemetryHandle {
  // Export failures (an unreachable collector, a refused token) are reported once each on the console, never thrown.
  diag.setLogger(
    {
      error: (message, ...args) => console.error(`OpenTelemetry: ${message}`, ...args.map(String)),
      warn: () => undefined,
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    },
    DiagLogLevel.ERROR,
  );
  const exporters = exportersFor(settings);
  const resource = resourceFromAttributes({
    "service.name": settings.serviceName,
    "service.instance.id": settings.serviceInstanceId,
    "cloud.provider": "azure",
    "cloud.platform": "azure_functions",
  }).merge(detectResources({ detectors: [envDetector] })); // OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES win

  const tracerProvider = new BasicTracerProvider({
    resource,
    spanProcessors: exporters.map((exporter) => new BatchSpanProcessor(exporter.spans)),
  });
  const meterProvider = new MeterProvider({
    resource,
    readers: exporters.map(
      (exporter) =>
        new PeriodicExportingMetricReader({
          exporter: exporter.metrics,
          exportIntervalMillis: settings.metricExportIntervalMs,
          exportTimeoutMillis: Math.min(30_000, settings.metricExportIntervalMs),
        }),
    ),
  });
  const loggerProvider = new LoggerProvider({
    resource,
    processors: exporters.map((exporter) => new BatchLogRecordProcessor({ exporter: exporter.logs })),
  });

  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  logs.setGlobalLoggerProvider(loggerProvider);
  // The Azure SDK's spans: Key Vault, Table Storage and managed identity calls, one per client operation.
  useInstrumenter(azureSdkInstrumenter());

  const flushAll = () =>
    Promise.all([tracerProvider.forceFlush(), meterProvider.forceFlush(), loggerProvider.forceFlush()]).then(
      () => undefined,
    );
  const shutdownAll = () =>
    Promise.all([tracerProvider.shutdown(), meterProvider.shutdown(), loggerProvider.shutdown()]).then(
      () => undefined,
    );
  return {
    enabled: true,
    destinations: exporters.map((exporter) => exporter.name),
    flush: (timeoutMs) => bounded(flushAll(), timeoutMs),
    shutdown: (timeoutMs) => bounded(shutdownAll(), timeoutMs),
  };
}

function exportersFor(settings: TelemetrySettings): Exporters[] {
  const exporters: Exporters[] = [];
  const monitor = settings.azureMonitor;
  if (monitor) {
    // Application Insights with local authentication off (as infra/ deploys it) takes only Entra-authenticated
    // telemetry: the exporter then gets tokens for the identity APPLICATIONINSIGHTS_AUTHENTICATION_STRING names.
    const credential =
      monitor.entraClientId === null
        ? undefined
        : monitor.entraClientId === ""
          ? new ManagedIdentityCredential()
          : new ManagedIdentityCredential({ clientId: monitor.entraClientId });
    const options = { connectionString: monitor.connectionString, ...(credential ? { credential } : {}) };
    exporters.push({
      name: credential ? "Application Insights (Entra ID)" : "Application Insights",
      spans: new AzureMonitorTraceExporter(options),
      metrics: new AzureMonitorMetricExporter(options),
      logs: new AzureMonitorLogExporter(options),
    });
  }
  if (settings.otlp) {
    // The exporters read OTEL_EXPORTER_OTLP_ENDPOINT (or the per-signal endpoints), _HEADERS and _TIMEOUT themselves.
    exporters.push({
      name: "OTLP",
      spans: new OTLPTraceExporter(),
      metrics: new OTLPMetricExporter(),
      logs: new OTLPLogExporter(),
    });
  }
  return exporters;
}

function bounded(work: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
    timer.unref();
  });
  return Promise.race([work.catch(() => undefined), timeout]).finally(() => clearTimeout(timer));
}
