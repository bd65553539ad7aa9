import type { InvocationContext, Timer } from "@azure/functions";
import type { JobsService } from "../jobs/JobsService.js";
import { contextLogger } from "../logging/contextLogger.js";

/**
 * A job's timer fired: run it once, within the job's deadline (the run records and alerts within the record budget
 * kept after it, before the host's functionTimeout). A failed or timed-out run is a result, not an exception (the
 * host would retry it). `signal` aborts the run when the host shuts down.
 */
export async function jobTimerHandler(
  jobName: string,
  timer: Timer,
  context: InvocationContext,
  jobs: () => JobsService,
  signal?: AbortSignal,
): Promise<void> {
  const logger = contextLogger(context);
  // Debug: the run's outcome line names the trigger, and a past-due run has its own warning.
  logger.debug("Timer fired", {
    job: jobName,
    isPastDue: timer.isPastDue,
    last: timer.scheduleStatus?.last ?? null,
    next: timer.scheduleStatus?.next ?? null,
  });
  await jobs().run(jobName, { kind: "timer", isPastDue: timer.isPastDue }, logger, signal ? { signal } : {});
}
