import { AsyncLocalStorage } from "node:async_hooks";

// MSAL clients live for the process, deadlines live for one invocation: the signal of the call in progress (and the
// time it has left) travels with its async context to the network client and the assertion callbacks MSAL calls.
const current = new AsyncLocalStorage<{ signal: AbortSignal; leftMs?: () => number }>();

/**
 * Runs `work` (an MSAL call) so that the token requests it makes abort with `signal`; `leftMs` tells work done inside
 * it (a Key Vault signature for the client assertion) how much time the call has left.
 */
export function withTokenRequestSignal<T>(
  signal: AbortSignal,
  work: () => Promise<T>,
  leftMs?: () => number,
): Promise<T> {
  return current.run(leftMs ? { signal, leftMs } : { signal }, work);
}

/** The signal of the MSAL call that is making a request now, if it was given one. */
export function currentTokenRequestSignal(): AbortSignal | undefined {
  return current.getStore()?.signal;
}

/** The milliseconds the MSAL call in progress has left, when it was told. */
export function currentTokenRequestLeftMs(): number | undefined {
  return current.getStore()?.leftMs?.();
}
