import type { Deadline } from "../clock/Deadline.js";

/** How long a call to the app's own storage may take. */
export interface StorageCallOptions {
  /**
   * Every request the call makes — the SDK's retries and their waits included — ends by this deadline; past it the call
   * rejects with TIMED_OUT naming Table Storage. Without one the call is bounded only by the SDK's retry policy.
   */
  deadline?: Deadline;
}
