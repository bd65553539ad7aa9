import { AppHooks, isHookName } from "./AppHooks.js";
import { Disposable } from "./Disposable.js";
import type {
  CoreFunctionMetadata,
  DisposableLike,
  FunctionCallback,
  HookCallback,
  ProgrammingModel,
  RpcLogCategory,
  RpcLogLevel,
} from "./functionsCoreTypes.js";

/** A function as the app registered it, with the programming model that was current when it did. */
export interface CapturedFunction {
  readonly metadata: CoreFunctionMetadata;
  readonly callback: FunctionCallback;
  readonly programmingModel: ProgrammingModel;
}

/** Everything one entry registered while it loaded. */
export interface CapturedApp {
  readonly functions: readonly CapturedFunction[];
  readonly hooks: AppHooks;
  /** `appHookData` in the worker: shared by every hook of the app. */
  readonly appHookData: Record<string, unknown>;
  /** `hookData` of the app-level hooks (appStart, appTerminate). */
  readonly appLevelHookData: Record<string, unknown>;
}

export type SystemLogSink = (level: RpcLogLevel, category: RpcLogCategory, message: string) => void;

/** The members of `@azure/functions-core` the library uses (and the rest of the worker's surface). */
export interface FunctionsCoreApi {
  readonly version: string;
  readonly hostVersion: string;
  registerFunction(metadata: CoreFunctionMetadata, callback: FunctionCallback): DisposableLike;
  registerHook(hookName: string, callback: HookCallback): DisposableLike;
  setProgrammingModel(programmingModel: ProgrammingModel): void;
  getProgrammingModel(): ProgrammingModel | undefined;
  log(level: RpcLogLevel, category: RpcLogCategory, message: string): void;
  readonly Disposable: typeof Disposable;
}

interface MutableApp extends CapturedApp {
  readonly functions: CapturedFunction[];
}

const newApp = (): MutableApp => ({
  functions: [],
  hooks: new AppHooks(),
  appHookData: {},
  appLevelHookData: {},
});

const consoleSystemLog: SystemLogSink = (level, _category, message) => {
  if (level === "error" || level === "critical") console.error(message);
  else if (level === "warning") console.warn(message);
};

/**
 * The process-wide state behind the `@azure/functions-core` module: the programming model the library set and the
 * functions and hooks each loaded entry registered. One per process, like the worker, because the library keeps
 * the module it required for the life of the process.
 */
export class FunctionsCoreRegistry {
  readonly api: FunctionsCoreApi;

  #programmingModel: ProgrammingModel | undefined;
  #capturing: MutableApp | undefined;
  #lastApp: CapturedApp | undefined;
  readonly #apps = new Map<string, CapturedApp>();
  #queue: Promise<unknown> = Promise.resolve();
  readonly #systemLogs: SystemLogSink[] = [];

  constructor(version: string) {
    this.api = {
      version,
      hostVersion: `${version} (m2m local host)`,
      registerFunction: (metadata, callback) => this.#registerFunction(metadata, callback),
      registerHook: (hookName, callback) => this.#registerHook(hookName, callback),
      setProgrammingModel: (programmingModel) => {
        this.#programmingModel = programmingModel;
        this.#systemLog()(
          "debug",
          "system",
          `Setting Node.js programming model to "${programmingModel.name}" version "${programmingModel.version}"`,
        );
      },
      getProgrammingModel: () => this.#programmingModel,
      log: (level, category, message) => this.#systemLog()(level, category, message),
      Disposable,
    };
  }

  /**
   * Sends logs written outside an invocation (`coreApi.log`) to `sink` — the running host's logger — until the
   * returned function is called; with several hosts in one process, the latest started one gets them.
   */
  addSystemLog(sink: SystemLogSink): () => void {
    this.#systemLogs.push(sink);
    return () => {
      const at = this.#systemLogs.lastIndexOf(sink);
      if (at !== -1) this.#systemLogs.splice(at, 1);
    };
  }

  #systemLog(): SystemLogSink {
    return this.#systemLogs.at(-1) ?? consoleSystemLog;
  }

  /**
   * Runs `load` (the entry's import) and returns what it registered. Loads run one at a time so each registration
   * is attributed to its entry. An entry that was loaded before is not evaluated again (the module cache), so its
   * earlier registrations are returned.
   */
  capture(key: string, load: () => Promise<unknown>): Promise<CapturedApp> {
    const run = async (): Promise<CapturedApp> => {
      const session = newApp();
      this.#capturing = session;
      try {
        await load();
      } finally {
        this.#capturing = undefined;
      }
      const earlier = this.#apps.get(key);
      const app = session.functions.length === 0 && earlier ? earlier : session;
      this.#apps.set(key, app);
      this.#lastApp = app;
      return app;
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  #registerFunction(metadata: CoreFunctionMetadata, callback: FunctionCallback): DisposableLike {
    const app = this.#capturing;
    if (!app) throw new Error("A function can only be registered during app startup.");
    const programmingModel = this.#programmingModel;
    if (!programmingModel) {
      throw new Error(`Function "${metadata.name}" was registered before a programming model was set.`);
    }
    const functionId = metadata.functionId ?? metadata.name;
    if (app.functions.some((f) => (f.metadata.functionId ?? f.metadata.name) === functionId)) {
      throw new Error(`A function with id "${functionId}" has already been registered.`);
    }
    const registered: CapturedFunction = { metadata, callback, programmingModel };
    app.functions.push(registered);
    return new Disposable(() => {
      if (this.#capturing !== app) throw new Error("A function can only be disposed during app startup.");
      app.functions.splice(app.functions.indexOf(registered), 1);
    });
  }

  #registerHook(hookName: string, callback: HookCallback): DisposableLike {
    // The library turns a RangeError into "Log hooks require Azure Functions Host v4.34 or higher" for "log";
    // this host runs log hooks, so only unknown names get here.
    if (!isHookName(hookName)) throw new RangeError(`Unrecognized hook "${hookName}"`);
    const app = this.#capturing ?? this.#lastApp;
    if (!app)
      throw new Error(`The "${hookName}" hook was registered before any app was loaded by the local host.`);
    return app.hooks.add(hookName, callback);
  }
}
