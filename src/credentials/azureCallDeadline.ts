import { AsyncLocalStorage } from "node:async_hooks";
import type { Deadline } from "../clock/Deadline.js";

// SDK clients live for the process, deadlines for one invocation. The SDKs hand their pipeline policies and the
// credential they call a signal at most, never the time left: the deadline of the call in progress travels with its
// async context instead, to the pipeline policy that refuses a Retry-After past it and to the credential that bounds
// the managed identity endpoint inside it.
const current = new AsyncLocalStorage<Deadline>();

/** Runs `work` (one Azure SDK call) so that the policies and credentials it reaches see `deadline`. */
export function withAzureCallDeadline<T>(deadline: Deadline, work: () => Promise<T>): Promise<T> {
  return current.run(deadline, work);
}

/** The deadline of the Azure SDK call that is running now, if it was given one. */
export function currentAzureCallDeadline(): Deadline | undefined {
  return current.getStore();
}
