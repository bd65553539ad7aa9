import type { JobDefinition } from "./JobDefinition.js";

/**
 * Pure: what a job does, for a listing — a declared job's method and URL without its query (which may carry an API
 * key), or a code job's module file.
 */
export function jobTarget(job: JobDefinition): string {
  if (job.kind === "code") return `code ${job.source}`;
  const url = new URL(job.request.url);
  return `${job.request.method} ${url.origin}${url.pathname}`;
}
