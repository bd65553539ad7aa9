import { AsyncLocalStorage } from "node:async_hooks";

// MSAL clients live for the process (their token cache is the point), deadlines live for one invocation: the
// signal of the call in progress travels with its async context to the network client MSAL calls.
const current = new AsyncLocalStorage<AbortSignal>();

/** Runs `work` (an MSAL call) so that the token requests it makes abort with `signal`. */
export function withTokenRequestSignal<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  return current.run(signal, work);
}

/** The signal of the MSAL call that is making a request now, if it was given one. */
export function currentTokenRequestSignal(): AbortSignal | undefined {
  return current.getStore();
}
