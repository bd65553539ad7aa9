import type { CapturedFunction } from "./FunctionsCoreRegistry.js";
import type { RpcBindingInfo } from "./functionsCoreTypes.js";

export type AuthLevel = "anonymous" | "function" | "admin";

/** A registered function as the local host sees it. Trigger options appear for the trigger types that have them. */
export interface LocalFunction {
  readonly name: string;
  /** The trigger binding's type: "httpTrigger", "timerTrigger", "eventGridTrigger", ... */
  readonly triggerType: string;
  /** The trigger binding's name: the name of its entry in the invocation's input data. */
  readonly triggerName: string;
  /** All bindings by name, as registered (`$return` is the return value's output binding). */
  readonly bindings: Readonly<Record<string, RpcBindingInfo>>;
  /** HTTP: the route template after the route prefix (default: the function name). */
  readonly route?: string;
  /** HTTP: the allowed methods, upper case; empty means all. */
  readonly methods?: readonly string[];
  readonly authLevel?: AuthLevel;
  /** Timer: the schedule as registered; it may name app settings (`%SETTING%`). */
  readonly schedule?: string;
  readonly runOnStartup?: boolean;
  /** Timer: as registered; undefined means the host decides (on unless the schedule fires more than once a minute). */
  readonly useMonitor?: boolean;
}

const isTrigger = (binding: RpcBindingInfo) =>
  typeof binding.type === "string" && /trigger$/i.test(binding.type);
const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const flag = (value: unknown): boolean | undefined => (typeof value === "boolean" ? value : undefined);

/** Reads a registration's trigger and its options from the binding metadata the library passed. */
export function describeFunction(registered: CapturedFunction): LocalFunction {
  const { name, bindings } = registered.metadata;
  const trigger = Object.entries(bindings).find(([, binding]) => isTrigger(binding));
  if (!trigger) throw new Error(`Function "${name}" has no trigger binding.`);
  const [triggerName, binding] = trigger;
  const triggerType = text(binding.type) ?? "";
  const base = { name, triggerType, triggerName, bindings };
  switch (triggerType.toLowerCase()) {
    case "httptrigger": {
      const methods = Array.isArray(binding.methods)
        ? binding.methods.filter((m) => typeof m === "string")
        : [];
      const authLevel = text(binding.authLevel)?.toLowerCase();
      return {
        ...base,
        route: (text(binding.route) ?? name).replace(/^\/+|\/+$/g, ""),
        methods: methods.map((m) => m.toUpperCase()),
        authLevel: authLevel === "function" || authLevel === "admin" ? authLevel : "anonymous",
      };
    }
    case "timertrigger": {
      const useMonitor = flag(binding.useMonitor);
      return {
        ...base,
        schedule: text(binding.schedule) ?? "",
        runOnStartup: flag(binding.runOnStartup) ?? false,
        ...(useMonitor === undefined ? {} : { useMonitor }),
      };
    }
    default:
      return base;
  }
}
