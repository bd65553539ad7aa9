import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { Clock } from "../clock/Clock.js";
import { createDeadline } from "../clock/Deadline.js";
import { INTERACTIVE_BUDGET_MS } from "../clock/interactiveBudget.js";
import { M2mError, TimedOutError, TransientError } from "../errors.js";
import type { JobsService } from "../jobs/JobsService.js";
import type { JobDefinition } from "../jobs/JobDefinition.js";
import { nextOccurrence } from "../jobs/nextOccurrence.js";

/**
 * GET /api/jobs: every job with its schedule, next run (UTC) and last outcome. When the last outcomes cannot be read,
 * the error's code and fix: 504 (TIMED_OUT naming Table Storage) when they are not read within `budgetMs`, 503 when
 * Table Storage fails in a way that passes (unreachable, throttled), 500 for the others.
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
    if (!(error instanceof M2mError)) throw error;
    const status = error instanceof TimedOutError ? 504 : error instanceof TransientError ? 503 : 500;
    return { status, jsonBody: { error: { code: error.code, message: error.message } } };
  }
  const now = clock();
  return {
    status: 200,
    jsonBody: {
      jobs: service.definitions.map((job) => {
        return {
          name: job.name,
          kind: job.kind,
          enabled: job.enabled,
          schedule: job.schedule,
          resolvedSchedule: job.resolvedSchedule,
          nextRun: job.enabled ? nextOccurrence(job.resolvedSchedule, now).toISOString() : null,
          scope: job.scope,
          ...describeWork(job),
          lastOutcome: summaries.get(job.name) ?? null,
        };
      }),
    },
  };
}

/** What the job does: a declared job's request — where it calls, not what it sends (the query may carry an API key) —
 * or a code job's module and description. */
function describeWork(job: JobDefinition) {
  if (job.kind === "code") return { source: job.source, description: job.module.description ?? null };
  const url = new URL(job.request.url);
  return { request: { method: job.request.method, url: `${url.origin}${url.pathname}` } };
}
