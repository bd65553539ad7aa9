import { describe, expect, it } from "vitest";
import type { JobDefinition } from "../../src/jobs/JobDefinition.js";
import type { RunResult } from "../../src/jobs/RunResult.js";
import { runJob, type DownstreamOutcome, type JobRunnerDeps } from "../../src/jobs/runJob.js";
import { manualClock } from "../support/manualClock.js";
import { recordingLogger } from "../support/recordingLogger.js";

const job: JobDefinition = {
  name: "report-sync",
  schedule: "0 */5 * * * *",
  resolvedSchedule: "0 */5 * * * *",
  scope: "api://x/.default",
  request: { method: "GET", url: "https://api.test/reports", headers: {}, body: null },
  successStatuses: [200],
  timeoutMs: 1000,
  deadlineMs: 10_000,
  retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
  idempotent: true,
  enabled: true,
};

const succeeded: DownstreamOutcome = {
  status: "succeeded",
  attempts: [{ attempt: 1, status: 200, durationMs: 5, error: null, retryAfterMs: null }],
  httpStatus: 200,
  bytes: 2,
  json: {},
  errorBodyExcerpt: null,
  errorCode: null,
  errorMessage: null,
  correlation: { traceparent: "00-a-b-01", clientRequestId: "c", requestId: "r" },
  durationMs: 5,
};

function deps(overrides: Partial<JobRunnerDeps> = {}) {
  const recorded: RunResult[] = [];
  const notified: { result: RunResult; failures: number }[] = [];
  const leases: { key: string; owner: string; ttlMs: number; released: boolean }[] = [];
  const log = recordingLogger();
  const d: JobRunnerDeps = {
    jobs: [job, { ...job, name: "paused", enabled: false }],
    call: () => Promise.resolve(succeeded),
    acquireLease: (key, owner, ttlMs) => {
      const lease = { key, owner, ttlMs, released: false };
      leases.push(lease);
      return Promise.resolve({
        acquired: true as const,
        release: () => {
          lease.released = true;
          return Promise.resolve();
        },
      });
    },
    record: (result) => {
      recorded.push(result);
      return Promise.resolve({
        consecutiveFailures: result.status === "failed" ? 1 : 0,
        lastSuccessAt: null,
      });
    },
    notify: (_job, result, standing) => {
      notified.push({ result, failures: standing.consecutiveFailures });
      return Promise.resolve();
    },
    clock: manualClock(Date.parse("2026-11-21T10:00:00Z")).clock,
    logger: log.logger,
    instanceId: "instance-1",
    newRunId: () => "run-1",
    ...overrides,
  };
  return { deps: d, recorded, notified, leases, log };
}

describe("runJob", () => {
  it("takes the lease, calls the API, records the run and hands the outcome to the alerts", async () => {
    const t = deps();
    const result = await runJob("report-sync", { kind: "timer", isPastDue: false }, t.deps);
    expect(result).toMatchObject({
      runId: "run-1",
      job: "report-sync",
      trigger: "timer",
      status: "succeeded",
      httpStatus: 200,
    });
    expect(t.leases).toEqual([
      { key: "job-report-sync", owner: "instance-1/run-1", ttlMs: 40_000, released: true },
    ]);
    expect(t.recorded).toEqual([result]);
    expect(t.notified).toEqual([{ result, failures: 0 }]);
  });

  it("skips without calling the API when another run holds the lease, and says why", async () => {
    let called = false;
    const t = deps({
      call: () => {
        called = true;
        return Promise.resolve(succeeded);
      },
      acquireLease: () =>
        Promise.resolve({
          acquired: false as const,
          heldBy: "instance-2/run-0",
          expiresAt: new Date("2026-11-21T10:00:40Z"),
        }),
    });
    const result = await runJob("report-sync", { kind: "manual", isPastDue: false }, t.deps);
    expect(called).toBe(false);
    expect(result).toMatchObject({
      status: "skipped",
      errorCode: "LEASE_HELD",
      skippedReason:
        "another run of 'report-sync' is in progress (instance-2/run-0, lease until 2026-11-21T10:00:40.000Z)",
    });
    expect(t.recorded).toHaveLength(1);
    expect(t.notified).toHaveLength(0);
  });

  it("does not call the API when the lease cannot be taken", async () => {
    const t = deps({ acquireLease: () => Promise.reject(new Error("storage unreachable")) });
    const result = await runJob("report-sync", { kind: "timer", isPastDue: false }, t.deps);
    expect(result).toMatchObject({
      status: "failed",
      errorCode: "LEASE_UNAVAILABLE",
      errorMessage: "Could not take the job's lease, so the API was not called: storage unreachable",
    });
  });

  it("keeps the run's own outcome when recording fails, and releases the lease", async () => {
    const t = deps({ record: () => Promise.reject(new Error("412 forever")) });
    const result = await runJob("report-sync", { kind: "timer", isPastDue: false }, t.deps);
    expect(result.status).toBe("succeeded");
    expect(t.notified).toHaveLength(0);
    expect(t.leases[0]?.released).toBe(true);
    expect(t.log.entries.map((e) => e.message)).toContain(
      "Could not record the run in Table Storage; alerting is skipped for this run",
    );
  });

  it("logs and records a past-due timer run", async () => {
    const t = deps();
    const result = await runJob("report-sync", { kind: "timer", isPastDue: true }, t.deps);
    expect(result.isPastDue).toBe(true);
    expect(t.log.entries[0]).toMatchObject({
      level: "warn",
      message: expect.stringContaining("past due") as string,
    });
  });

  it("refuses unknown jobs naming the known ones, and disabled jobs", async () => {
    await expect(runJob("nope", { kind: "manual", isPastDue: false }, deps().deps)).rejects.toMatchObject({
      code: "JOB_NOT_FOUND",
      message: "No job named 'nope'. Known jobs: report-sync, paused.",
    });
    await expect(runJob("paused", { kind: "manual", isPastDue: false }, deps().deps)).rejects.toMatchObject({
      code: "JOB_DISABLED",
    });
  });
});
