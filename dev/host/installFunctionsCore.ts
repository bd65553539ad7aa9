import Module from "node:module";
import { FunctionsCoreRegistry } from "./FunctionsCoreRegistry.js";

export const functionsCoreSpecifier = "@azure/functions-core";

// On globalThis so that every copy of this file (vitest evaluates it once per test file, tsx and node once per
// process) shares one registry and installs one interceptor.
declare global {
  var __m2mLocalHostFunctionsCore: FunctionsCoreRegistry | undefined;
}

/**
 * Makes `require("@azure/functions-core")` return the local host's core API, as the Functions worker does: it
 * wraps `Module.prototype.require` and answers that one specifier, leaving every other require untouched. Every
 * CommonJS `require` goes through it — the library's own bundle, and the `createRequire(import.meta.url)` that an
 * esbuild ES module bundle (dist/index.js) uses for its externals — under node, tsx and vitest alike, and no file
 * is added to node_modules. Idempotent; returns the process-wide registry.
 *
 * Call it before the app's first `app.http(...)`/`app.timer(...)`: the library asks for the module once, at its
 * first registration, and stays in "test mode" (registering nothing) if the module is missing then.
 */
export function installFunctionsCore(): FunctionsCoreRegistry {
  const installed = globalThis.__m2mLocalHostFunctionsCore;
  if (installed) return installed;

  const registry = new FunctionsCoreRegistry("4.0.0-local");
  const api = registry.api;
  // The Proxy applies the original with the `this` of each call, so taking it off the prototype is safe.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  Module.prototype.require = new Proxy(Module.prototype.require, {
    apply(target, thisArg, args: unknown[]): unknown {
      if (args[0] === functionsCoreSpecifier) return api;
      const result: unknown = Reflect.apply(target, thisArg, args);
      return result;
    },
  });
  globalThis.__m2mLocalHostFunctionsCore = registry;
  return registry;
}
