import { context, metrics, propagation, trace, type Attributes } from "@opentelemetry/api";
import { logs } from "@opentelemetry/api-logs";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type ReadableLogRecord,
} from "@opentelemetry/sdk-logs";
import { DataPointType, MeterProvider, MetricReader, type MetricData } from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from "@opentelemetry/sdk-trace-base";

/** Collects on demand: the test asks for the metrics when it wants them. */
class OnDemandReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** One metric data point, flattened for assertions. */
export interface CapturedPoint {
  name: string;
  unit: string;
  attributes: Attributes;
  /** The sum or gauge value; for a histogram, the count of recordings. */
  value: number;
}

export interface TelemetryCapture {
  spans(): ReadableSpan[];
  logRecords(): ReadableLogRecord[];
  /** Every data point of every metric recorded so far (cumulative). */
  points(): Promise<CapturedPoint[]>;
  /** Unregisters the providers, so the next test starts with telemetry off. */
  stop(): Promise<void>;
}

/**
 * Registers the real OpenTelemetry SDK with in-memory exporters as the global providers (nothing is mocked: the
 * code under test uses the API as it does in production). Call before building the code under test: meters are
 * bound when instruments are created.
 */
export function captureTelemetry(): TelemetryCapture {
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(tracerProvider);

  const reader = new OnDemandReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(meterProvider);

  const logExporter = new InMemoryLogRecordExporter();
  const loggerProvider = new LoggerProvider({
    processors: [new SimpleLogRecordProcessor({ exporter: logExporter })],
  });
  logs.setGlobalLoggerProvider(loggerProvider);

  return {
    spans: () => spanExporter.getFinishedSpans(),
    logRecords: () => logExporter.getFinishedLogRecords(),
    async points() {
      const { resourceMetrics } = await reader.collect();
      return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics.flatMap(flattenPoints));
    },
    async stop() {
      trace.disable();
      metrics.disable();
      logs.disable();
      propagation.disable();
      context.disable();
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown(), loggerProvider.shutdown()]);
    },
  };
}

function flattenPoints(metric: MetricData): CapturedPoint[] {
  const { name, unit } = metric.descriptor;
  if (
    metric.dataPointType === DataPointType.HISTOGRAM ||
    metric.dataPointType === DataPointType.EXPONENTIAL_HISTOGRAM
  ) {
    return metric.dataPoints.map((point) => ({
      name,
      unit,
      attributes: point.attributes,
      value: point.value.count,
    }));
  }
  return metric.dataPoints.map((point) => ({
    name,
    unit,
    attributes: point.attributes,
    value: point.value,
  }));
}
