import { isTransientFailure, type AttemptFailure } from "../jobs/downstream/isRetryable.js";

/**
 * Graph's answers that say "try again later": throttled (429, with Retry-After), unavailable (503, "you may repeat
 * the request after a delay"), a gateway that gave up waiting (504). https://learn.microsoft.com/graph/errors,
 * https://learn.microsoft.com/graph/throttling.
 */
const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([429, 503, 504]);
/** Of those, the ones that say Graph did not carry the request out: repeating it cannot do it twice. */
const NOT_DONE_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/**
 * Pure: whether a failed Graph call may be tried again. A read (GET) is retried after 429, 503, 504, a connection
 * that failed for a reason that may pass (a reset, not an unknown host or an untrusted certificate) and an attempt
 * that timed out. addKey and removeKey (POST) only after 429 and 503, which say the request was not carried out:
 * after a 504, a reset or a timeout the key may have been added or removed, and the rotation's next observation
 * (it reads the registered keys first) finds out instead of a second POST.
 */
export function isTransientGraphFailure(method: string, failure: AttemptFailure): boolean {
  const read = method.toUpperCase() === "GET";
  switch (failure.kind) {
    case "status":
      return (read ? TRANSIENT_STATUSES : NOT_DONE_STATUSES).has(failure.status);
    case "network":
      return read && isTransientFailure(failure);
    case "timeout":
      return read;
  }
}
