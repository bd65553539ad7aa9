import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { JobsService } from "../jobs/JobsService.js";
import { JobDisabledError, JobNotFoundError } from "../jobs/runJob.js";
import type { RunStatus } from "../jobs/RunResult.js";
import { contextLogger } from "../logging/contextLogger.js";

/** The answer for each way a run ends: a timed-out run is a gateway timeout (an edge did not answer in time). */
const HTTP_STATUS: Readonly<Record<RunStatus, number>> = {
  succeeded: 200,
  failed: 502,
  "timed-out": 504,
  skipped: 409,
};

/**
 * POST /api/jobs/{name}/run: runs the job now, within its deadline, and returns its outcome — 200 when it succeeded,
 * 502 when the API call failed, 504 when the run timed out (the edge that did not answer is named in errorMessage),
 * 409 when another run holds the job (or the job is disabled), 404 for an unknown job. `signal` aborts the run when
 * the host shuts down.
 */
export async function runJobHandler(
  request: HttpRequest,
  context: InvocationContext,
  jobs: () => JobsService,
  signal?: AbortSignal,
): Promise<HttpResponseInit> {
  const name = request.params.name ?? "";
  try {
    const result = await jobs().run(
      name,
      { kind: "manual", isPastDue: false },
      contextLogger(context),
      signal ? { signal } : {},
    );
    const status = HTTP_STATUS[result.status];
    return { status, jsonBody: result };
  } catch (error) {
    if (error instanceof JobNotFoundError)
      return { status: 404, jsonBody: { error: { code: error.code, message: error.message } } };
    if (error instanceof JobDisabledError)
      return { status: 409, jsonBody: { error: { code: error.code, message: error.message } } };
    throw error;
  }
}
