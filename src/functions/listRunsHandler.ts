import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { JobsService } from "../jobs/JobsService.js";

/** GET /api/jobs/{name}/runs[?limit=20]: the job's last runs, newest first, as recorded (at most 100). */
export async function listRunsHandler(
  request: HttpRequest,
  _context: InvocationContext,
  jobs: () => JobsService,
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
  return { status: 200, jsonBody: { job: job.name, runs: await service.recentRuns(job.name, limit) } };
}
