import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { JobsService } from "../jobs/JobsService.js";
import { JobInputError } from "../jobs/code/checkJobInput.js";
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
 * 409 when another run holds the job (or the job is disabled), 404 for an unknown job. The body, when there is one, is
 * the run's input (JSON, at most MAX_INPUT_BYTES): 400 when it is not JSON or the job refuses it (a code job's module
 * checks it; a declared job takes none), 413 when it is larger. `signal` aborts the run when the host shuts down.
 */
export async function runJobHandler(
  request: HttpRequest,
  context: InvocationContext,
  jobs: () => JobsService,
  signal?: AbortSignal,
): Promise<HttpResponseInit> {
  const name = request.params.name ?? "";
  try {
    const input = await readInput(request);
    const result = await jobs().run(name, { kind: "manual", isPastDue: false }, contextLogger(context), {
      ...(signal ? { signal } : {}),
      ...(input !== undefined ? { input } : {}),
    });
    const status = HTTP_STATUS[result.status];
    return { status, jsonBody: result };
  } catch (error) {
    if (error instanceof JobNotFoundError)
      return { status: 404, jsonBody: { error: { code: error.code, message: error.message } } };
    if (error instanceof JobDisabledError)
      return { status: 409, jsonBody: { error: { code: error.code, message: error.message } } };
    if (error instanceof JobInputError) {
      const status = error.cause instanceof InputTooLarge ? 413 : 400;
      return { status, jsonBody: { error: { code: error.code, message: error.message } } };
    }
    throw error;
  }
}

/** The largest manual-run input read: a run's parameters, not its data. */
export const MAX_INPUT_BYTES = 32 * 1024;

class InputTooLarge extends Error {}

/** The request's JSON body, or undefined when it has none. */
async function readInput(request: HttpRequest): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === "") return undefined;
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_INPUT_BYTES) {
    throw new JobInputError(
      `The run's input is ${bytes} bytes; at most ${MAX_INPUT_BYTES} are taken. Pass parameters, not data.`,
      { cause: new InputTooLarge() },
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new JobInputError(
      "The run's input (the request body) is not JSON. Send JSON, or no body for a run without input.",
    );
  }
}
