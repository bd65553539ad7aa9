import type { Instrumenter, TracingSpan } from "@azure/core-tracing";
import { AzureSdkInstrumentation } from "@azure/opentelemetry-instrumentation-azure-sdk";
import { context, trace, type Span } from "@opentelemetry/api";

/** The package whose spans are one HTTP request each ("HTTP GET"), below a client operation's span. */
const HTTP_SPAN_PACKAGE = "@azure/core-rest-pipeline";

/** A span that records nothing: what the Azure SDK gets where no span is made. */
export const notRecorded: TracingSpan = {
  end: () => undefined,
  isRecording: () => false,
  recordException: () => undefined,
  setAttribute: () => undefined,
  setStatus: () => undefined,
  addEvent: () => undefined,
};

/**
 * The Azure SDK's OpenTelemetry instrumenter (from @azure/opentelemetry-instrumentation-azure-sdk, whose module
 * patch hands it to @azure/core-tracing's `useInstrumenter`), with one change: an HTTP request made inside a client
 * operation (TableClient.getEntity, SecretClient.getSecret, CryptographyClient.sign…) gets no span of its own. The
 * operation's span already says what was asked, how long it took and how it ended; the request span under it doubled
 * the spans of a run and half of telemetry's cost per run (npm run bench:telemetry). A request outside any operation
 * (a paged query's pages, a managed identity token request) keeps its span, and every request still carries the
 * `traceparent` of the span it was made in.
 */
export function azureSdkInstrumenter(): Instrumenter {
  const full = instrumentationInstrumenter();
  const operations = new WeakSet<Span>();
  return {
    startSpan(name, options) {
      if (options.packageName === HTTP_SPAN_PACKAGE) {
        const parentContext = options.tracingContext ?? context.active();
        const parent = trace.getSpan(parentContext);
        if (parent && operations.has(parent)) return { span: notRecorded, tracingContext: parentContext };
        return full.startSpan(name, options);
      }
      const started = full.startSpan(name, options);
      const span = trace.getSpan(started.tracingContext);
      if (span) operations.add(span);
      return started;
    },
    withContext: (tracingContext, callback, ...args) => full.withContext(tracingContext, callback, ...args),
    parseTraceparentHeader: (header) => full.parseTraceparentHeader(header),
    createRequestHeaders: (tracingContext) => full.createRequestHeaders(tracingContext),
  };
}

/**
 * The instrumenter the Azure SDK instrumentation installs. Its usual route, a require hook that patches
 * @azure/core-tracing, cannot see the copy bundled into dist/index.js, so its module patch is given a stand-in for
 * the module that keeps what it is handed.
 */
function instrumentationInstrumenter(): Instrumenter {
  let handed: Instrumenter | undefined;
  const coreTracing = { useInstrumenter: (instrumenter: Instrumenter) => (handed = instrumenter) };
  for (const definition of new AzureSdkInstrumentation({ enabled: false }).getModuleDefinitions()) {
    definition.patch?.(coreTracing);
  }
  if (!handed) throw new Error("@azure/opentelemetry-instrumentation-azure-sdk handed over no instrumenter");
  return handed;
}
