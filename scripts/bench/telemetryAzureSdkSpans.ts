import { useInstrumenter, type Instrumenter, type TracingContext } from "@azure/core-tracing";
import { notRecorded } from "../../src/telemetry/azureSdkInstrumenter.js";

/** An immutable context, as the Azure SDK's own default keeps one when nothing instruments it. */
class PlainTracingContext implements TracingContext {
  constructor(private readonly values: ReadonlyMap<symbol, unknown> = new Map()) {}
  getValue(key: symbol): unknown {
    return this.values.get(key);
  }
  setValue(key: symbol, value: unknown): TracingContext {
    return new PlainTracingContext(new Map(this.values).set(key, value));
  }
  deleteValue(key: symbol): TracingContext {
    const values = new Map(this.values);
    values.delete(key);
    return new PlainTracingContext(values);
  }
}

/**
 * A diagnostic for the telemetry benchmark (BENCH_AZURE_SDK_SPANS=off in the `on` arm), to tell what the Azure SDK's
 * spans cost of the whole; the app never runs this. It puts back the Azure SDK's own no-op instrumenter in place of
 * the one createTelemetrySdk installs (src/telemetry/azureSdkInstrumenter.ts): Key Vault, Table Storage and identity
 * calls make no spans and send no traceparent, while the app's spans, metrics and logs stay on.
 */
export function turnOffAzureSdkSpans(): void {
  const none: Instrumenter = {
    startSpan: (_name, options) => ({
      span: notRecorded,
      tracingContext: options.tracingContext ?? new PlainTracingContext(),
    }),
    withContext: (_context, callback, ...args) => callback(...args),
    parseTraceparentHeader: () => undefined,
    createRequestHeaders: () => ({}),
  };
  useInstrumenter(none);
}
