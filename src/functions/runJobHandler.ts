import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { JobsService } from "../jobs/JobsService.js";
import { JobDisabledError, JobNotFoundError } from "../jobs/runJob.js";
import { contextLogger } from "../logging/contextLogger.js";

/**
 * POST /api/jobs/{name}/run: runs the job now and returns its outcome — 200 when it succeeded, 502 when the API
 * call failed, 409 when another run holds the job (or the job is disabled), 404 for an unknown job.
 */
export async function runJobHandler(
  request: HttpRequest,
  context: InvocationContext,
  jobs: () => JobsService,
): Promise<HttpResponseInit> {
  const name = request.params.name ?? "";
  try {
    const result = await jobs().run(name, { kind: "manual", isPastDue: false }, contextLogger(context));
    const status = result.status === "succeeded" ? 200 : result.status === "skipped" ? 409 : 502;
    return { status, jsonBody: result };
  } catch (error) {
    if (error instanceof JobNotFoundError)
      return { status: 404, jsonBody: { error: { code: error.code, message: error.message } } };
    if (error instanceof JobDisabledError)
      return { status: 409, jsonBody: { error: { code: error.code, message: error.message } } };
    throw error;
  }
}
