import type { app as functionsApp } from "@azure/functions";
import { context, propagation, ROOT_CONTEXT } from "@opentelemetry/api";
import { logs, SeverityNumber } from "@opentelemetry/api-logs";
import { contextLogger, isOwnLogLine } from "../logging/contextLogger.js";
import { runInInvocation } from "../logging/invocationScope.js";
import type { TelemetryHandle } from "./TelemetryHandle.js";
import { INSTRUMENTATION_SCOPE } from "./tracer.js";

/** How long the worker's shutdown waits for the last telemetry to leave (the host gives a worker a few seconds). */
export const SHUTDOWN_FLUSH_MS = 5_000;

const SEVERITY: Record<string, SeverityNumber> = {
  trace: SeverityNumber.TRACE,
  debug: SeverityNumber.DEBUG,
  information: SeverityNumber.INFO,
  warning: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
  critical: SeverityNumber.FATAL,
};

/**
 * Ties each invocation to its telemetry, doing what Microsoft's @azure/functions-opentelemetry-instrumentation does
 * (which patches @azure/functions through a require hook that cannot see the copy bundled into dist/index.js):
 * - every invocation runs with its own logger as the ambient one (services log into the invocation that called them),
 *   telemetry on or off;
 * - with telemetry on, the handler runs in the trace context the host sent (`traceContext.traceParent`), so the app's
 *   spans are children of the host's invocation span: one trace per invocation;
 * - the worker tells the host it exports its own logs (`WorkerOpenTelemetryEnabled`), so the host does not send them
 *   a second time; `context.log` lines the app's Logger did not write are forwarded as log records here;
 * - on the host's shutdown, what is buffered is exported, bounded by SHUTDOWN_FLUSH_MS.
 */
export function instrumentFunctionsApp(app: typeof functionsApp, telemetry: TelemetryHandle): void {
  if (telemetry.enabled) app.setup({ capabilities: { WorkerOpenTelemetryEnabled: true } });

  app.hook.preInvocation((hook) => {
    const invocation = hook.invocationContext;
    const handler = hook.functionHandler;
    const logger = contextLogger(invocation);
    const scoped: typeof handler = (...args: unknown[]): unknown =>
      runInInvocation(logger, (): unknown => Reflect.apply(handler, undefined, args));
    const traceParent = invocation.traceContext?.traceParent;
    hook.functionHandler =
      telemetry.enabled && traceParent
        ? context.bind(
            propagation.extract(ROOT_CONTEXT, {
              traceparent: traceParent,
              ...(invocation.traceContext?.traceState
                ? { tracestate: invocation.traceContext.traceState }
                : {}),
            }),
            scoped,
          )
        : scoped;
  });

  if (!telemetry.enabled) return;
  app.hook.log((hook) => {
    if (hook.category !== "user" || isOwnLogLine()) return;
    logs.getLogger(INSTRUMENTATION_SCOPE).emit({
      body: hook.message,
      severityNumber: SEVERITY[hook.level] ?? SeverityNumber.UNSPECIFIED,
      severityText: hook.level,
    });
  });
  app.hook.appTerminate(() => telemetry.shutdown(SHUTDOWN_FLUSH_MS));
}
