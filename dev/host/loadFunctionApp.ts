import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { CapturedApp, FunctionsCoreRegistry } from "./FunctionsCoreRegistry.js";
import type { ProgrammingModel, WorkerCapabilities } from "./functionsCoreTypes.js";
import { installFunctionsCore } from "./installFunctionsCore.js";

/** The capabilities the Node.js worker announces; the programming model may add to them. */
const workerCapabilities: WorkerCapabilities = {
  RawHttpBodyBytes: "true",
  RpcHttpTriggerMetadataRemoved: "true",
  RpcHttpBodyOnly: "true",
  IgnoreEmptyValuedRpcHttpHeaders: "true",
  UseNullableValueDictionaryForHttp: "true",
  WorkerStatus: "true",
  TypedDataCollection: "true",
  HandlesWorkerTerminateMessage: "true",
};

const initialized = new WeakSet<ProgrammingModel>();

export interface LoadedFunctionApp extends CapturedApp {
  /** Absolute path of the entry file. */
  readonly entryPath: string;
}

/**
 * Imports the app's entry (src/index.ts under tsx or vitest, dist/index.js anywhere) with `@azure/functions-core`
 * installed, and returns the functions and hooks it registered. Then asks each programming model for its
 * capabilities, as the worker does after loading the app: that also locks `app.setup()`, as on Azure.
 */
export async function loadFunctionApp(
  entry: string,
  registry: FunctionsCoreRegistry = installFunctionsCore(),
): Promise<LoadedFunctionApp> {
  const entryPath = resolve(entry);
  if (!existsSync(entryPath)) {
    throw new Error(
      `The app's entry ${entryPath} does not exist.` +
        (entryPath.endsWith(".js")
          ? " Build it first (npm run build), or pass the source entry (src/index.ts)."
          : ""),
    );
  }
  const href = pathToFileURL(entryPath).href;
  const app = await registry.capture(href, () => import(href));
  if (app.functions.length === 0) {
    throw new Error(
      `${entry} registered no functions. Either it registers none, or "@azure/functions" had already registered ` +
        `in "test mode" in this process before the local host provided @azure/functions-core: load the app ` +
        `through the local host only.`,
    );
  }
  for (const programmingModel of new Set(app.functions.map((f) => f.programmingModel))) {
    if (initialized.has(programmingModel)) continue;
    initialized.add(programmingModel);
    const capabilities = (await programmingModel.getCapabilities?.({ ...workerCapabilities })) ?? {};
    if (capabilities.HttpUri) {
      throw new Error(
        "The app enables HTTP streaming (app.setup({ enableHttpStream: true })), which the local host does not " +
          "support: it delivers HTTP requests over the invocation request only.",
      );
    }
  }
  return { ...app, entryPath };
}
