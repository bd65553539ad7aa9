import type { Deadline } from "../clock/Deadline.js";
import { withinDeadline } from "../clock/withinDeadline.js";

/** The edge name a Table Storage call that runs out of time is reported under ("Table Storage did not answer …"). */
export const TABLE_STORAGE = "Table Storage";

/**
 * Runs one Table Storage call (or a listing read to its end) within `deadline`: the SDK gets the deadline's signal as
 * its `abortSignal` — which also stops the SDK's own retries and their waits — and the call settles by the deadline
 * even if the SDK does not, rejecting with TIMED_OUT naming Table Storage. Without a deadline the call runs as it is.
 */
export function boundStorage<T>(
  deadline: Deadline | undefined,
  work: (abortSignal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  return withinDeadline(deadline, TABLE_STORAGE, work);
}
