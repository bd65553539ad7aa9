import { AsyncLocalStorage } from "node:async_hooks";
import type { Logger } from "./Logger.js";

const scope = new AsyncLocalStorage<Logger>();

/**
 * Runs a function invocation with its logger as the ambient one: services built once per process (the token
 * source, the jobs service, the credential provider) log into the invocation that called them.
 */
export function runInInvocation<T>(logger: Logger, work: () => T): T {
  return scope.run(logger, work);
}

/** The logger of the invocation this code runs in, or undefined outside any invocation. */
export function invocationLogger(): Logger | undefined {
  return scope.getStore();
}
