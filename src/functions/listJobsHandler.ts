import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { Clock } from "../clock/Clock.js";
import type { JobsService } from "../jobs/JobsService.js";
import { nextOccurrence } from "../jobs/nextOccurrence.js";

/** GET /api/jobs: every job with its schedule, next run (UTC) and last outcome. */
export async function listJobsHandler(
  _request: HttpRequest,
  _context: InvocationContext,
  jobs: () => JobsService,
  clock: Clock,
): Promise<HttpResponseInit> {
  const service = jobs();
  const summaries = await service.summaries();
  const now = clock();
  return {
    status: 200,
    jsonBody: {
      jobs: service.definitions.map((job) => {
        const url = new URL(job.request.url);
        return {
          name: job.name,
          enabled: job.enabled,
          schedule: job.schedule,
          resolvedSchedule: job.resolvedSchedule,
          nextRun: job.enabled ? nextOccurrence(job.resolvedSchedule, now).toISOString() : null,
          scope: job.scope,
          // The query string may carry API keys: show where the job calls, not what it sends.
          request: { method: job.request.method, url: `${url.origin}${url.pathname}` },
          lastOutcome: summaries.get(job.name) ?? null,
        };
      }),
    },
  };
}
