import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { systemClock, type Clock } from "../clock/Clock.js";
import { createDeadline } from "../clock/Deadline.js";
import { INTERACTIVE_BUDGET_MS } from "../clock/interactiveBudget.js";
import { TimedOutError } from "../errors.js";
import type { JobsService } from "../jobs/JobsService.js";

/**
 * GET /api/jobs/{name}/runs[?limit=20]: the job's last runs, newest first, as recorded (at most 100). 404 for an
 * unknown job; 504 (TIMED_OUT naming Table Storage) when the runs cannot be read within `budgetMs`.
 */
export async function listRunsHandler(
  request: HttpRequest,
  _context: InvocationContext,
  jobs: () => JobsService,
  options: { budgetMs?: number; clock?: Clock } = {},
): Promise<HttpResponseInit> {
  const service = jobs();
  const name = request.params.name ?? "";
  const job = service.definitions.find((j) => j.name.toLowerCase() === name.toLowerCase());
  if (!job) {
    const known = service.definitions.map((j) => j.name).join(", ") || "(none)";
    return {
      status: 404,
      jsonBody: {
        error: { code: "JOB_NOT_FOUND", message: `No job named '${name}'. Known jobs: ${known}.` },
      },
    };
  }
  const requested = Number(request.query.get("limit") ?? 20);
  const limit = Number.isInteger(requested) && requested >= 1 ? Math.min(requested, 100) : 20;
  const deadline = createDeadline({
    budgetMs: options.budgetMs ?? INTERACTIVE_BUDGET_MS,
    clock: options.clock ?? systemClock,
  });
  try {
    // The read ends its requests at the deadline; bound() answers by then whatever the read does.
    const runs = await deadline.bound("Table Storage", () =>
      service.recentRuns(job.name, limit, { deadline }),
    );
    return { status: 200, jsonBody: { job: job.name, runs } };
  } catch (error) {
    if (error instanceof TimedOutError) {
      return { status: 504, jsonBody: { error: { code: error.code, message: error.message } } };
    }
    throw error;
  }
}
