import type { EventGridPartialEvent } from "@azure/functions";
import { randomBytes } from "node:crypto";
import { consoleHostLogger } from "./consoleHostLogger.js";
import type { LocalAuthentication } from "./emulateAppServiceAuth.js";
import type { LocalFunction } from "./describeFunction.js";
import type { HostLogger } from "./HostLogger.js";
import { installFunctionsCore } from "./installFunctionsCore.js";
import { listenHttp } from "./listenHttp.js";
import { loadFunctionApp } from "./loadFunctionApp.js";
import type { LocalHttpResponse } from "./LocalHttp.js";
import {
  LocalFunctionHost,
  type HttpInvocation,
  type InvocationResult,
  type TimerInvocation,
} from "./LocalFunctionHost.js";
import { memoryScheduleStatusStore, type ScheduleStatusStore } from "./ScheduleStatus.js";
import { recordSecret } from "../secrets/recordSecret.js";

export interface LocalHostOptions {
  /** The app's entry: src/index.ts (under tsx or vitest) or the bundle dist/index.js. */
  readonly entry: string;
  /** 0 (the default) takes a free port; `func start` uses 7071. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly hostname?: string;
  /**
   * App settings, set in process.env before the entry loads (the worker's environment is where app settings live;
   * the app reads some at load). Previous values come back on `stop()`.
   */
  readonly env?: Readonly<Record<string, string>>;
  /** A function key: opens function-level routes. Default: random, see `LocalHost.hostKey`. */
  readonly hostKey?: string;
  /**
   * The admin key: opens admin-level routes, the admin API and the Event Grid webhook too. Default: random, and
   * never the host key (as on Azure, where an app tells the two apart: a function key must not pass for the admin key).
   */
  readonly masterKey?: string;
  /**
   * Emulate App Service Authentication in front of the host (see emulateAppServiceAuth): the app gets
   * `WEBSITE_AUTH_ENABLED=true`, incoming `x-ms-client-principal*` headers are removed, and a caller signs in with the
   * `x-local-principal` header (or is signed in as `principal`). Default: off, as an app without authentication.
   */
  readonly authentication?: LocalAuthentication;
  /** `extensions.http.routePrefix` of host.json; default "api". */
  readonly routePrefix?: string;
  /** Default: the system clock. Used for schedules, past-due checks and trigger payloads. */
  readonly clock?: () => Date;
  /** Fire timers on their schedules (and `runOnStartup`, past-due runs). Default false: tests call `invokeTimer`. */
  readonly runTimers?: boolean;
  /** Where timers' schedule statuses are kept between runs. Default: in memory (nothing is past due at start). */
  readonly scheduleStatusStore?: ScheduleStatusStore;
  /** Default: the console, `func start` style. */
  readonly logger?: HostLogger;
  /** `functionAppDirectory` for appStart hooks; default the current directory. */
  readonly appDirectory?: string;
}

export interface LocalHost {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  /** A function key (the default host key). */
  readonly hostKey: string;
  /** The admin key (`_master`). */
  readonly masterKey: string;
  readonly routePrefix: string;
  /** Every registered function with its trigger options. */
  readonly functions: readonly LocalFunction[];
  /** The full URL of an HTTP function for these route parameters (no key). */
  functionUrl(name: string, params?: Readonly<Record<string, string>>): string;
  /** A timer's schedule with `%SETTING%` resolved, and its next occurrence from now. */
  timerSchedule(name: string): {
    readonly expression: string;
    readonly next: Date;
    readonly useMonitor: boolean;
  };
  /** Sends a request to an HTTP function by name (with the admin key unless it brings a credential) or by method and path. */
  invokeHttp(
    target: string | { method: string; path: string },
    init?: HttpInvocation,
  ): Promise<LocalHttpResponse>;
  /** Runs a timer function now; rejects with the function's error if it throws. */
  invokeTimer(name: string, options?: TimerInvocation): Promise<InvocationResult>;
  /** Delivers one event to an Event Grid trigger; rejects with the function's error if it throws. */
  invokeEventGrid(name: string, event: EventGridPartialEvent): Promise<InvocationResult>;
  /** Stops timers (waiting for running ones), the listener and the appTerminate hooks; restores process.env. */
  stop(): Promise<void>;
}

/** `host:port` where the app reaches this host; a wildcard listen address is reached on loopback. */
function selfHostname(listener: { readonly url: string; readonly port: number }): string {
  const { hostname } = new URL(listener.url);
  return `${hostname === "0.0.0.0" || hostname === "[::]" ? "127.0.0.1" : hostname}:${listener.port}`;
}

function applyEnv(env: Readonly<Record<string, string>>): () => void {
  const previous = new Map(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/**
 * Runs the app's functions without Azure Functions Core Tools: provides `@azure/functions-core` so the library
 * registers for real, loads the entry, serves the HTTP functions under `/<routePrefix>/<route>` with the host's
 * keys, runs timers on their NCRONTAB schedules when asked, and invokes every function through the library's own
 * invocation model, as the Node.js worker does. Once listening it sets `WEBSITE_HOSTNAME` (`127.0.0.1:<port>`) for
 * the app, as Core Tools does, so the app can call its own host.
 */
export async function startLocalHost(options: LocalHostOptions): Promise<LocalHost> {
  const logger = options.logger ?? consoleHostLogger();
  const clock = options.clock ?? (() => new Date());
  const hostKey = options.hostKey ?? randomBytes(24).toString("base64url");
  const masterKey = options.masterKey ?? randomBytes(24).toString("base64url");
  if (masterKey === hostKey) {
    throw new Error(
      "The master key must differ from the host key: the admin key opens what a function key must not.",
    );
  }
  recordSecret("function-key", hostKey);
  recordSecret("master-key", masterKey);
  const routePrefix = (options.routePrefix ?? "api").replace(/^\/+|\/+$/g, "");
  const registry = installFunctionsCore();
  const restoreSettings = applyEnv({
    ...options.env,
    ...(options.authentication ? { WEBSITE_AUTH_ENABLED: "true" } : {}),
  });
  let restoreHostname = () => {};
  const restoreEnv = () => {
    restoreHostname();
    restoreSettings();
  };
  const removeSystemLog = registry.addSystemLog((level, _category, message) => {
    if (level !== "none") logger.log({ level, category: "system", message });
  });

  let host: LocalFunctionHost;
  let listener: Awaited<ReturnType<typeof listenHttp>>;
  let app: Awaited<ReturnType<typeof loadFunctionApp>>;
  try {
    app = await loadFunctionApp(options.entry, registry);
    host = new LocalFunctionHost(app, {
      routePrefix,
      keys: { host: hostKey, master: masterKey },
      logger,
      clock,
      settings: process.env,
      ...(options.authentication ? { authentication: options.authentication } : {}),
    });
    await app.hooks.run("appStart", {
      hookData: app.appLevelHookData,
      appHookData: app.appHookData,
      functionAppDirectory: options.appDirectory ?? process.cwd(),
    });
    listener = await listenHttp((request) => host.handle(request), {
      port: options.port ?? 0,
      hostname: options.hostname ?? "127.0.0.1",
      onError: (error) => logger.log({ level: "error", category: "host", message: "Request failed", error }),
    });
    restoreHostname = applyEnv({ WEBSITE_HOSTNAME: selfHostname(listener) });
  } catch (error) {
    restoreEnv();
    removeSystemLog();
    throw error;
  }
  try {
    if (options.runTimers) await host.startTimers(options.scheduleStatusStore ?? memoryScheduleStatusStore());
  } catch (error) {
    await host.stopTimers();
    await listener.close();
    removeSystemLog();
    restoreEnv();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    url: listener.url,
    hostKey,
    masterKey,
    routePrefix,
    functions: host.functions,
    functionUrl: (name, params) => `${listener.url}${host.pathOf(name, params)}`,
    timerSchedule(name) {
      const { schedule, useMonitor } = host.timer(name);
      return { expression: schedule.expression, next: schedule.next(clock()), useMonitor };
    },
    invokeHttp: (target, init = {}) => host.invokeHttp(target, init, listener.url),
    invokeTimer: (name, timerOptions) => host.invokeTimer(name, timerOptions),
    invokeEventGrid: (name, event) => host.invokeEventGrid(name, event),
    stop() {
      stopping ??= (async () => {
        try {
          await host.stopTimers();
          await listener.close();
          await app.hooks.run("appTerminate", {
            hookData: app.appLevelHookData,
            appHookData: app.appHookData,
          });
        } finally {
          removeSystemLog();
          restoreEnv();
        }
      })();
      return stopping;
    },
  };
}
