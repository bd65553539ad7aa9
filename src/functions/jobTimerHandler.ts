import type { InvocationContext, Timer } from "@azure/functions";
import type { JobsService } from "../jobs/JobsService.js";
import { contextLogger } from "../logging/contextLogger.js";

/** A job's timer fired: run it once. A failed run is a result, not an exception (the host would retry it). */
export async function jobTimerHandler(
  jobName: string,
  timer: Timer,
  context: InvocationContext,
  jobs: () => JobsService,
): Promise<void> {
  const logger = contextLogger(context);
  logger.info("Timer fired", {
    job: jobName,
    isPastDue: timer.isPastDue,
    last: timer.scheduleStatus?.last ?? null,
    next: timer.scheduleStatus?.next ?? null,
  });
  await jobs().run(jobName, { kind: "timer", isPastDue: timer.isPastDue }, logger);
}
