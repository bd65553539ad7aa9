import { describe, expect, it } from "vitest";
import type { CodeJobDefinition, HttpJobDefinition, JobBase } from "../../src/jobs/JobDefinition.js";
import { jobTarget } from "../../src/jobs/jobTarget.js";

const base: JobBase = {
  name: "report-sync",
  schedule: "0 */5 * * * *",
  resolvedSchedule: "0 */5 * * * *",
  scope: "api://default/.default",
  deadlineMs: 540_000,
  timeoutMs: 30_000,
  retry: { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 },
  enabled: true,
  keepResponse: false,
};

function httpJob(method: HttpJobDefinition["request"]["method"], url: string): HttpJobDefinition {
  return {
    ...base,
    kind: "http",
    request: { method, url, headers: {}, body: null },
    successStatuses: [200],
    idempotent: true,
  };
}

const codeJob: CodeJobDefinition = {
  ...base,
  kind: "code",
  source: "jobs/sync-changes.ts",
  module: { name: "report-sync", schedule: "0 */5 * * * *", run: () => Promise.resolve(undefined) },
  settings: {},
};

describe("jobTarget", () => {
  it("names a code job's module file", () => {
    expect(jobTarget(codeJob)).toBe("code jobs/sync-changes.ts");
  });

  it("gives a declared job's method and URL", () => {
    expect(jobTarget(httpJob("POST", "https://api.example.com/v1/reports"))).toBe(
      "POST https://api.example.com/v1/reports",
    );
  });

  it("leaves out the query, which may carry an API key, and the fragment", () => {
    expect(jobTarget(httpJob("GET", "https://api.example.com/v1/reports?code=s3cr3t#top"))).toBe(
      "GET https://api.example.com/v1/reports",
    );
  });

  it("leaves out user info", () => {
    expect(jobTarget(httpJob("DELETE", "https://user:pa55@api.example.com/v1/items/1"))).toBe(
      "DELETE https://api.example.com/v1/items/1",
    );
  });

  it("keeps a port that is not the scheme's default", () => {
    expect(jobTarget(httpJob("GET", "http://127.0.0.1:8080/health"))).toBe(
      "GET http://127.0.0.1:8080/health",
    );
  });
});
