import type { Deadline } from "./Deadline.js";

/**
 * `deadline.bound(edge, work)` when there is a deadline, else `work` as it is: for calls whose callers may or may not
 * pass one (a status page read has none; a job run always has one).
 */
export function withinDeadline<T>(
  deadline: Deadline | undefined,
  edge: string,
  work: (signal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  return deadline ? deadline.bound(edge, work) : work(undefined);
}
