import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { Clock } from "../clock/Clock.js";
import { createDeadline } from "../clock/Deadline.js";
import { INTERACTIVE_BUDGET_MS } from "../clock/interactiveBudget.js";
import { TimedOutError } from "../errors.js";
import type { JobsService } from "../jobs/JobsService.js";
import { nextOccurrence } from "../jobs/nextOccurrence.js";

/**
 * GET /api/jobs: every job with its schedule, next run (UTC) and last outcome. 504 (TIMED_OUT naming Table Storage)
 * when the last outcomes cannot be read within `budgetMs`.
 */
export async function listJobsHandler(
  _request: HttpRequest,
  _context: InvocationContext,
  jobs: () => JobsService,
  clock: Clock,
  options: { budgetMs?: number } = {},
): Promise<HttpResponseInit> {
  const service = jobs();
  const deadline = createDeadline({ budgetMs: options.budgetMs ?? INTERACTIVE_BUDGET_MS, clock });
  let summaries;
  try {
    // The read ends its requests at the deadline; bound() answers by then whatever the read does.
    summaries = await deadline.bound("Table Storage", () => service.summaries({ deadline }));
  } catch (error) {
    if (error instanceof TimedOutError) {
      return { status: 504, jsonBody: { error: { code: error.code, message: error.message } } };
    }
    throw error;
  }
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
