import type { Deadline } from "../clock/Deadline.js";
import { TimedOutError } from "../errors.js";

/**
 * `deadline`, remembering the first TIMED_OUT a call bounded by it ended in — with the edge that error names, which
 * may be an inner one (the managed identity endpoint inside a Key Vault call). A certificate check reports sources it
 * could not read and goes on; this is how it still knows that it ran out of time, and on which edge.
 */
export function observeTimeouts(deadline: Deadline): { deadline: Deadline; first(): TimedOutError | null } {
  let first: TimedOutError | null = null;
  return {
    deadline: {
      atMs: deadline.atMs,
      signal: deadline.signal,
      leftMs: () => deadline.leftMs(),
      async bound(edge, work) {
        try {
          return await deadline.bound(edge, work);
        } catch (error) {
          if (error instanceof TimedOutError) first ??= error;
          throw error;
        }
      },
    },
    first: () => first,
  };
}
