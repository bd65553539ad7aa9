import { randomBytes, randomUUID } from "node:crypto";
import { basename, dirname } from "node:path";
import { performance } from "node:perf_hooks";
import { inspect } from "node:util";
import type { CapturedFunction } from "./FunctionsCoreRegistry.js";
import type {
  CoreInvocationContext,
  HookCallback,
  RpcFunctionMetadata,
  RpcInvocationResponse,
  RpcLogLevel,
  RpcParameterBinding,
  RpcRetryContext,
  RpcTraceContext,
  RpcTypedData,
} from "./functionsCoreTypes.js";
import type { HostLogger } from "./HostLogger.js";
import type { LoadedFunctionApp } from "./loadFunctionApp.js";

/** One invocation request, as the host would send it for a trigger event. */
export interface InvocationInit {
  readonly inputData: RpcParameterBinding[];
  readonly triggerMetadata?: Record<string, RpcTypedData>;
  readonly retryContext?: RpcRetryContext;
  readonly traceContext?: RpcTraceContext;
  /** Why the function runs, for the "Executing" log line (the host's Reason). */
  readonly reason: string;
  readonly invocationId?: string;
}

export interface InvocationEnvironment {
  readonly app: LoadedFunctionApp;
  readonly logger: HostLogger;
}

const isLogLevel = (value: unknown): value is RpcLogLevel =>
  typeof value === "string" &&
  ["trace", "debug", "information", "warning", "error", "critical", "none"].includes(value);

/** The function metadata the worker hands the programming model: the registration plus what the worker adds. */
function toRpcFunctionMetadata(fn: CapturedFunction, entryPath: string): RpcFunctionMetadata {
  const { name, bindings, retryOptions } = fn.metadata;
  return {
    name,
    functionId: fn.metadata.functionId ?? name,
    bindings,
    rawBindings: Object.entries(bindings).map(([bindingName, binding]) =>
      JSON.stringify({ ...binding, name: bindingName }),
    ),
    retryOptions,
    scriptFile: basename(entryPath),
    directory: dirname(entryPath),
  };
}

/**
 * Runs one invocation the way the Node.js worker does: the programming model's invocation model builds the
 * context and inputs from the RPC request, preInvocation hooks may change the inputs and the handler, the handler
 * runs, postInvocation hooks may change the result or error, and the model converts the result to the RPC
 * response. Rejects with the handler's error when it failed.
 */
export async function invokeFunction(
  fn: CapturedFunction,
  init: InvocationInit,
  { app, logger }: InvocationEnvironment,
): Promise<RpcInvocationResponse> {
  const functionName = fn.metadata.name;
  const invocationId = init.invocationId ?? randomUUID();
  let invocationContext: unknown;

  const log = (level: RpcLogLevel, category: string, message: string) => {
    let entry = { level, message };
    if (category === "user" && app.hooks.list("log").length > 0) {
      // Log hooks see (and may rewrite) the function's own log lines.
      const hookContext: Record<string, unknown> = {
        hookData: {},
        appHookData: app.appHookData,
        level,
        message,
        category,
        invocationContext,
      };
      for (const callback of app.hooks.list("log")) runLogHook(callback, hookContext, logger, functionName);
      entry = {
        level: isLogLevel(hookContext.level) ? hookContext.level : level,
        message: typeof hookContext.message === "string" ? hookContext.message : message,
      };
    }
    if (entry.level === "none") return;
    logger.log({
      level: entry.level,
      category: category === "user" ? "user" : "system",
      message: entry.message,
      functionName,
      invocationId,
    });
  };

  const coreContext: CoreInvocationContext = {
    invocationId,
    request: {
      invocationId,
      functionId: fn.metadata.functionId ?? functionName,
      inputData: init.inputData,
      triggerMetadata: init.triggerMetadata ?? {},
      retryContext: init.retryContext ?? null,
      // A new trace per invocation, as the host starts one for each trigger event; sampled (flag 01), as the host
      // records its invocation span with "telemetryMode": "OpenTelemetry" (host.json).
      traceContext: init.traceContext ?? {
        traceParent: `00-${randomBytes(16).toString("hex")}-${randomBytes(8).toString("hex")}-01`,
        attributes: {},
      },
    },
    metadata: toRpcFunctionMetadata(fn, app.entryPath),
    log,
  };

  const started = performance.now();
  logger.log({
    level: "information",
    category: "host",
    message: `Executing 'Functions.${functionName}' (Reason='${init.reason}', Id=${invocationId})`,
    functionName,
    invocationId,
  });
  try {
    const invocationModel = await fn.programmingModel.getInvocationModel(coreContext);
    const { context, inputs } = await invocationModel.getArguments();
    invocationContext = context;
    const hookData: Record<string, unknown> = {};

    const pre: Record<string, unknown> = {
      hookData,
      appHookData: app.appHookData,
      invocationContext: context,
      inputs,
      functionCallback: fn.callback,
    };
    coreContext.state = "preInvocationHooks";
    try {
      await app.hooks.run("preInvocation", pre);
    } finally {
      coreContext.state = undefined;
    }
    const finalInputs = Array.isArray(pre.inputs) ? pre.inputs : inputs;
    const callback = typeof pre.functionCallback === "function" ? pre.functionCallback : fn.callback;

    const post: Record<string, unknown> = {
      hookData,
      appHookData: app.appHookData,
      invocationContext: context,
      inputs: finalInputs,
      result: null,
      error: null,
    };
    coreContext.state = "invocation";
    try {
      post.result = await invocationModel.invokeFunction(
        context,
        finalInputs,
        (...args: unknown[]): unknown => Reflect.apply(callback, undefined, args),
      );
    } catch (error) {
      post.error = error;
    } finally {
      coreContext.state = undefined;
    }
    coreContext.state = "postInvocationHooks";
    try {
      await app.hooks.run("postInvocation", post);
    } finally {
      coreContext.state = undefined;
    }
    if (post.error !== null && post.error !== undefined) {
      throw post.error instanceof Error
        ? post.error
        : new Error(`The function threw ${inspect(post.error)}`, { cause: post.error });
    }

    const response = await invocationModel.getResponse(context, post.result);
    logger.log({
      level: "information",
      category: "host",
      message: `Executed 'Functions.${functionName}' (Succeeded, Id=${invocationId}, Duration=${elapsed(started)}ms)`,
      functionName,
      invocationId,
    });
    return response;
  } catch (error) {
    logger.log({
      level: "error",
      category: "host",
      message: `Executed 'Functions.${functionName}' (Failed, Id=${invocationId}, Duration=${elapsed(started)}ms)`,
      functionName,
      invocationId,
      error,
    });
    throw error;
  }
}

const elapsed = (started: number) => Math.round(performance.now() - started);

/** Log hooks run synchronously on each log line; a failing one is reported, not thrown into the caller's log call. */
function runLogHook(
  callback: HookCallback,
  context: Record<string, unknown>,
  logger: HostLogger,
  functionName: string,
): void {
  const report = (error: unknown) =>
    logger.log({ level: "warning", category: "host", message: "A log hook failed.", functionName, error });
  try {
    const result = callback(context);
    if (result instanceof Promise) result.catch(report);
  } catch (error) {
    report(error);
  }
}
