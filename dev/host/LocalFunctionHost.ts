import type { EventGridPartialEvent } from "@azure/functions";
import { randomUUID } from "node:crypto";
import { describeFunction, type LocalFunction } from "./describeFunction.js";
import {
  emulateAppServiceAuth,
  LOCAL_PRINCIPAL_HEADER,
  type LocalAuthentication,
} from "./emulateAppServiceAuth.js";
import { toEventGridEvent } from "./toEventGridEvent.js";
import { fromRpcHttpResponse } from "./fromRpcHttpResponse.js";
import { fromRpcTypedData } from "./fromRpcTypedData.js";
import { handleAdminRequest } from "./handleAdminRequest.js";
import { handleEventGridWebhook } from "./handleEventGridWebhook.js";
import type { CapturedFunction } from "./FunctionsCoreRegistry.js";
import type { RpcHttpData, RpcInvocationResponse, RpcTypedData } from "./functionsCoreTypes.js";
import type { HostLogger } from "./HostLogger.js";
import { HttpRouter } from "./HttpRouter.js";
import { invokeFunction, type InvocationInit } from "./invokeFunction.js";
import { isAuthorized, type HostKeys } from "./isAuthorized.js";
import type { LoadedFunctionApp } from "./loadFunctionApp.js";
import { localHttpResponse, type LocalHttpRequest, type LocalHttpResponse } from "./LocalHttp.js";
import { firesAtMostOncePerMinute, parseTimerSchedule, type TimerSchedule } from "./parseTimerSchedule.js";
import { resolveSettingReferences } from "./resolveSettingReferences.js";
import type { ScheduleStatus, ScheduleStatusStore } from "./ScheduleStatus.js";
import { startTimerListener, type TimerFiring, type TimerListener } from "./startTimerListener.js";
import { timerPayload } from "./timerPayload.js";
import { toRpcHttpRequest } from "./toRpcHttpRequest.js";

export interface LocalFunctionHostOptions {
  /** Without slashes; "" serves routes at the root. The host's default is "api". */
  readonly routePrefix: string;
  readonly keys: HostKeys;
  readonly logger: HostLogger;
  readonly clock: () => Date;
  /** App settings, for `%SETTING%` in timer schedules. */
  readonly settings: Readonly<Record<string, string | undefined>>;
  /** App Service Authentication in front of the host (see emulateAppServiceAuth); none by default. */
  readonly authentication?: LocalAuthentication;
}

/** What an invocation returned. */
export interface InvocationResult {
  readonly invocationId: string;
  /** The handler's return value as the host received it (JSON parsed, bytes as a Buffer). */
  readonly returnValue: unknown;
  /** Values the handler set on `context.extraOutputs`, by binding name. */
  readonly outputs: Readonly<Record<string, unknown>>;
}

/** A request for `invokeHttp`. */
export interface HttpInvocation {
  /** Default: the function's first method (by name), or GET. */
  readonly method?: string;
  /** Route parameters, when the target is a function name. */
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** A string or bytes as they are; anything else as JSON (with `content-type: application/json`). */
  readonly body?: string | Uint8Array | Record<string, unknown> | unknown[];
}

export interface TimerInvocation {
  readonly isPastDue?: boolean;
  /** Default: the listener's status when the timer uses the schedule monitor, else null (as the host sends it). */
  readonly scheduleStatus?: ScheduleStatus | null;
}

interface RegisteredFunction {
  readonly local: LocalFunction;
  readonly captured: CapturedFunction;
}

interface TimerDefinition extends RegisteredFunction {
  readonly schedule: TimerSchedule;
  readonly useMonitor: boolean;
}

const manualReason = "This function was programmatically called via the host APIs.";

/**
 * The loaded app's functions behind the Functions host's front door: routing, keys, trigger payloads, and each
 * invocation through the library's own invocation model. The HTTP listener and timers are attached by
 * `startLocalHost`.
 */
export class LocalFunctionHost {
  readonly functions: readonly LocalFunction[];
  readonly #app: LoadedFunctionApp;
  readonly #options: LocalFunctionHostOptions;
  readonly #registered: readonly RegisteredFunction[];
  readonly #router: HttpRouter;
  readonly #timers = new Map<string, TimerDefinition>();
  readonly #listeners = new Map<string, TimerListener>();

  /** Throws one error naming every function whose route or schedule is invalid. */
  constructor(app: LoadedFunctionApp, options: LocalFunctionHostOptions) {
    this.#app = app;
    this.#options = options;
    this.#registered = app.functions.map((captured) => ({ local: describeFunction(captured), captured }));
    this.functions = this.#registered.map((r) => r.local);

    const problems: string[] = [];
    let router: HttpRouter | undefined;
    try {
      router = new HttpRouter(this.functions);
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
    for (const registered of this.#registered) {
      const { local } = registered;
      if (local.schedule === undefined) continue;
      try {
        const schedule = parseTimerSchedule(resolveSettingReferences(local.schedule, options.settings));
        const useMonitor = (local.useMonitor ?? true) && firesAtMostOncePerMinute(schedule, options.clock());
        this.#timers.set(local.name, { ...registered, schedule, useMonitor });
      } catch (error) {
        problems.push(`${local.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (problems.length > 0 || !router) {
      throw new Error(`The app's functions cannot be hosted:\n- ${problems.join("\n- ")}`);
    }
    this.#router = router;
    this.#warnAboutUnsupportedBindings();
  }

  /** A timer's schedule with `%SETTING%` resolved, and whether the schedule monitor applies. */
  timer(name: string): { readonly schedule: TimerSchedule; readonly useMonitor: boolean } {
    return this.#timer(name);
  }

  /** The URL path (with the route prefix, percent-encoded) of an HTTP function for these route parameters. */
  pathOf(name: string, params?: Readonly<Record<string, string>>): string {
    const { local } = this.#find(name, "HTTP");
    const route = this.#router.routes.find((r) => r.fn.name === local.name);
    if (!route) throw new Error(`Function "${name}" has no HTTP route.`);
    const prefix = this.#options.routePrefix ? `/${this.#options.routePrefix}` : "";
    return `${prefix}/${route.route.format(params)}`;
  }

  /** Answers one HTTP request as the host's front door does (behind App Service Authentication when emulated). */
  async handle(incoming: LocalHttpRequest): Promise<LocalHttpResponse> {
    const { authentication } = this.#options;
    const request = authentication ? emulateAppServiceAuth(incoming, authentication) : incoming;
    if ("status" in request) return request;
    const path = request.url.pathname;
    const lower = path.toLowerCase();
    if (lower === "/") {
      return localHttpResponse(
        200,
        new Headers({ "content-type": "text/plain; charset=utf-8" }),
        Buffer.from("Your Functions app is up and running (m2m local host).\n"),
      );
    }
    if (lower.startsWith("/admin/")) return handleAdminRequest(request, this, this.#options.keys);
    if (lower === "/runtime/webhooks/eventgrid")
      return handleEventGridWebhook(request, this, this.#options.keys);

    const prefix = this.#options.routePrefix ? `/${this.#options.routePrefix.toLowerCase()}` : "";
    if (prefix && lower !== prefix && !lower.startsWith(`${prefix}/`)) return localHttpResponse(404);
    const found = this.#router.find(request.method, path.slice(prefix.length));
    if (!found) return localHttpResponse(404);
    const { fn } = found.route;
    if (!isAuthorized(fn.authLevel ?? "anonymous", request, this.#options.keys))
      return localHttpResponse(401);

    const registered = this.#find(fn.name, "HTTP");
    let response: RpcInvocationResponse;
    try {
      response = await this.#invoke(registered, {
        inputData: [{ name: fn.triggerName, data: { http: toRpcHttpRequest(request, found.params) } }],
        reason: manualReason,
      });
    } catch {
      return localHttpResponse(500); // logged by invokeFunction
    }
    return fromRpcHttpResponse(this.#httpOutput(registered, response));
  }

  /**
   * Sends a request through the front door. `target` is a function name (its route filled from `params`; the admin
   * key is added unless the request brings a key or signs in, as the portal's Test/Run calls with the master key) or
   * a method and path (query included), sent as given.
   */
  async invokeHttp(
    target: string | { readonly method: string; readonly path: string },
    init: HttpInvocation,
    baseUrl: string,
  ): Promise<LocalHttpResponse> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(init.headers ?? {})) headers[name.toLowerCase()] = value;
    let method: string;
    let path: string;
    if (typeof target === "string") {
      const { local } = this.#find(target, "HTTP");
      method = init.method ?? local.methods?.[0] ?? "GET";
      path = this.pathOf(local.name, init.params);
      // Routes the app guards itself are anonymous at the host: the admin key gets through either way.
      const credential =
        headers["x-functions-key"] !== undefined ||
        init.query?.code !== undefined ||
        headers[LOCAL_PRINCIPAL_HEADER] !== undefined ||
        headers["x-ms-client-principal"] !== undefined;
      if (!credential) headers["x-functions-key"] = this.#options.keys.master;
    } else {
      method = init.method ?? target.method;
      path = target.path;
    }
    const url = new URL(path, baseUrl);
    for (const [name, value] of Object.entries(init.query ?? {})) url.searchParams.append(name, value);
    let body: Uint8Array = new Uint8Array();
    if (typeof init.body === "string") body = Buffer.from(init.body, "utf8");
    else if (init.body instanceof Uint8Array) body = init.body;
    else if (init.body !== undefined) {
      body = Buffer.from(JSON.stringify(init.body), "utf8");
      headers["content-type"] ??= "application/json";
    }
    headers.host ??= url.host;
    if (body.length > 0) headers["content-length"] = String(body.length);
    return this.handle({ method: method.toUpperCase(), url, headers, body });
  }

  /** Runs a timer function now, as the admin API does (`isPastDue` false unless given). */
  async invokeTimer(name: string, options: TimerInvocation = {}): Promise<InvocationResult> {
    const timer = this.#timer(name);
    const now = this.#options.clock();
    const scheduleStatus =
      options.scheduleStatus !== undefined
        ? options.scheduleStatus
        : timer.useMonitor
          ? (this.#listeners.get(timer.local.name)?.status ?? {
              next: timer.schedule.next(now),
              lastUpdated: now,
            })
          : null;
    return this.#fireTimer(timer, {
      isPastDue: options.isPastDue ?? false,
      scheduleStatus,
      reason: manualReason,
    });
  }

  /** Delivers one Event Grid event to an Event Grid trigger, with the fields Event Grid stamps filled in. */
  invokeEventGrid(name: string, event: EventGridPartialEvent): Promise<InvocationResult> {
    return this.deliverEvent(name, toEventGridEvent(event));
  }

  /** Starts each timer's schedule; `store` keeps schedule statuses (past-due detection across restarts). */
  async startTimers(store: ScheduleStatusStore): Promise<void> {
    for (const timer of this.#timers.values()) {
      if (this.#listeners.has(timer.local.name)) continue;
      const listener = await startTimerListener({
        functionName: timer.local.name,
        schedule: timer.schedule,
        useMonitor: timer.useMonitor,
        runOnStartup: timer.local.runOnStartup ?? false,
        store,
        clock: this.#options.clock,
        logger: this.#options.logger,
        invoke: (firing) => this.#fireTimer(timer, firing),
      });
      this.#listeners.set(timer.local.name, listener);
    }
  }

  async stopTimers(): Promise<void> {
    const listeners = [...this.#listeners.values()];
    this.#listeners.clear();
    await Promise.all(listeners.map((listener) => listener.stop()));
  }

  async #fireTimer(timer: TimerDefinition, firing: TimerFiring): Promise<InvocationResult> {
    const response = await this.#invoke(timer, {
      inputData: [
        { name: timer.local.triggerName, data: timerPayload(firing.isPastDue, firing.scheduleStatus) },
      ],
      reason: firing.reason,
    });
    return this.#result(response);
  }

  #invoke(registered: RegisteredFunction, init: InvocationInit): Promise<RpcInvocationResponse> {
    const triggerMetadata: Record<string, RpcTypedData> = { ...init.triggerMetadata };
    if (registered.local.route === undefined) {
      // Binding data every non-HTTP trigger carries.
      triggerMetadata.sys = {
        json: JSON.stringify({
          MethodName: registered.local.name,
          UtcNow: this.#options.clock().toISOString(),
          RandGuid: randomUUID(),
        }),
      };
    }
    return invokeFunction(
      registered.captured,
      { ...init, triggerMetadata },
      { app: this.#app, logger: this.#options.logger },
    );
  }

  #result(response: RpcInvocationResponse): InvocationResult {
    const outputs: Record<string, unknown> = {};
    for (const output of response.outputData ?? []) {
      if (output.name) outputs[output.name] = fromRpcTypedData(output.data);
    }
    return {
      invocationId: response.invocationId ?? "",
      returnValue: fromRpcTypedData(response.returnValue),
      outputs,
    };
  }

  /** The HTTP response among the outputs: the return value's, or a named `http` output binding's. */
  #httpOutput(
    registered: RegisteredFunction,
    response: RpcInvocationResponse,
  ): RpcHttpData | null | undefined {
    const binding = Object.entries(registered.local.bindings).find(
      ([, b]) => b.direction === "out" && typeof b.type === "string" && b.type.toLowerCase() === "http",
    );
    if (!binding || binding[0] === "$return") return response.returnValue?.http;
    return response.outputData?.find((o) => o.name === binding[0])?.data?.http;
  }

  #find(name: string, kind: "HTTP" | "Event Grid" | "any"): RegisteredFunction {
    const byName =
      this.#registered.find((r) => r.local.name === name) ??
      this.#registered.find((r) => r.local.name.toLowerCase() === name.toLowerCase());
    const triggerType = { HTTP: "httptrigger", "Event Grid": "eventgridtrigger", any: undefined }[kind];
    const fits = (r: RegisteredFunction) => !triggerType || r.local.triggerType.toLowerCase() === triggerType;
    if (!byName || !fits(byName)) {
      const candidates = this.#registered.filter(fits).map((r) => r.local.name);
      throw new Error(
        `No ${kind === "any" ? "" : `${kind} `}function named "${name}". ` +
          `${kind === "any" ? "Functions" : `${kind} functions`}: ${candidates.join(", ") || "none"}.`,
      );
    }
    return byName;
  }

  #timer(name: string): TimerDefinition {
    const timer =
      this.#timers.get(name) ??
      [...this.#timers.values()].find((t) => t.local.name.toLowerCase() === name.toLowerCase());
    if (!timer) {
      throw new Error(
        `No timer function named "${name}". Timer functions: ${[...this.#timers.keys()].join(", ") || "none"}.`,
      );
    }
    return timer;
  }

  /** Runs a non-HTTP function with the admin API's `input`: an event's JSON, a queue message, ignored for timers. */
  async invokeWithInput(name: string, input: unknown): Promise<InvocationResult> {
    const registered = this.#find(name, "any");
    const { local } = registered;
    if (local.route !== undefined)
      throw new Error(`"${local.name}" is an HTTP function: call its route instead.`);
    if (this.#timers.has(local.name)) return this.invokeTimer(local.name);
    const data: RpcTypedData =
      local.triggerType.toLowerCase() === "eventgridtrigger"
        ? { json: typeof input === "string" ? input : JSON.stringify(input ?? null) }
        : { string: typeof input === "string" ? input : JSON.stringify(input ?? "") };
    const response = await this.#invoke(registered, {
      inputData: [{ name: local.triggerName, data }],
      reason: manualReason,
    });
    return this.#result(response);
  }

  /** Delivers an event as Event Grid posted it (the webhook), with its `data` as trigger metadata. */
  async deliverEvent(name: string, event: unknown): Promise<InvocationResult> {
    const registered = this.#find(name, "Event Grid");
    const data: unknown =
      typeof event === "object" && event !== null ? Reflect.get(event, "data") : undefined;
    const response = await this.#invoke(registered, {
      inputData: [{ name: registered.local.triggerName, data: { json: JSON.stringify(event) } }],
      triggerMetadata: { data: { json: JSON.stringify(data ?? null) } },
      reason: `EventGrid trigger fired at ${this.#options.clock().toISOString()}`,
    });
    return this.#result(response);
  }

  /** The function's name as registered and its trigger type, found case-insensitively as the host does. */
  lookup(name: string): { readonly name: string; readonly triggerType: string } | undefined {
    try {
      const { local } = this.#find(name, "any");
      return { name: local.name, triggerType: local.triggerType };
    } catch {
      return undefined;
    }
  }

  #warnAboutUnsupportedBindings(): void {
    for (const { local } of this.#registered) {
      for (const [name, binding] of Object.entries(local.bindings)) {
        if (name === local.triggerName) continue;
        if (name === "$return" && local.route !== undefined && binding.type === "http") continue;
        this.#options.logger.log({
          level: "warning",
          category: "host",
          functionName: local.name,
          message:
            `The local host does not provide the ${binding.direction ?? ""} binding "${name}" (${String(binding.type)}) ` +
            `of '${local.name}': ${binding.direction === "out" ? "its value is not delivered anywhere" : "the input is missing"}.`,
        });
      }
    }
  }
}
