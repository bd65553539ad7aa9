import { describe, expect, it } from "vitest";
import type { Deadline } from "../../src/clock/Deadline.js";
import { TimedOutError } from "../../src/errors.js";
import type { RunContext } from "../../src/jobs/downstream/callDownstream.js";
import type { HttpJobDefinition } from "../../src/jobs/JobDefinition.js";
import type { JobNotifyContext, JobNotifyReport, RunRecording } from "../../src/jobs/JobOutcomeNotifier.js";
import type { RunResult } from "../../src/jobs/RunResult.js";
import { runJob, type DownstreamOutcome, type JobRunnerDeps } from "../../src/jobs/runJob.js";
import { appMetrics } from "../../src/telemetry/appMeter.js";
import { manualClock } from "../support/manualClock.js";
import { recordingLogger } from "../support/recordingLogger.js";

const START = Date.parse("2026-11-21T10:00:00Z");

const job: HttpJobDefinition = {
  kind: "http",
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
  keepResponse: false,
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
  const recorded: { result: RunResult; deadline: Deadline }[] = [];
  const notified: { result: RunResult; recording: RunRecording; context: JobNotifyContext }[] = [];
  const calls: RunContext[] = [];
  const leases: {
    key: string;
    owner: string;
    ttlMs: number;
    deadline: Deadline;
    released: Deadline | null;
  }[] = [];
  const log = recordingLogger();
  const time = manualClock(START);
  const d: JobRunnerDeps = {
    jobs: [job, { ...job, name: "paused", enabled: false }],
    call: (_job, context) => {
      calls.push(context);
      return Promise.resolve(succeeded);
    },
    acquireLease: (key, owner, ttlMs, deadline) => {
      const lease = { key, owner, ttlMs, deadline, released: null as Deadline | null };
      leases.push(lease);
      return Promise.resolve({
        acquired: true as const,
        release: (releaseDeadline: Deadline) => {
          lease.released = releaseDeadline;
          return Promise.resolve();
        },
      });
    },
    record: (result, deadline) => {
      recorded.push({ result, deadline });
      return Promise.resolve({
        consecutiveFailures: result.status === "succeeded" ? 0 : 1,
        lastSuccessAt: null,
      });
    },
    notify: (_job, result, recording, context) => {
      notified.push({ result, recording, context });
      return Promise.resolve<JobNotifyReport>({ via: "ledger", ledgerError: null });
    },
    clock: time.clock,
    logger: log.logger,
    metrics: appMetrics(),
    instanceId: "instance-1",
    newRunId: () => "run-1",
    ...overrides,
  };
  return { deps: d, recorded, notified, calls, leases, log, time };
}

const timer = { kind: "timer", isPastDue: false } as const;

describe("runJob", () => {
  it("checks a manual run's input before anything starts: refused, no lease, no call, no record", async () => {
    const t = deps();
    await expect(
      runJob("report-sync", { kind: "manual", isPastDue: false }, t.deps, { input: { day: 1 } }),
    ).rejects.toMatchObject({ code: "JOB_INPUT_INVALID" });
    expect([t.leases, t.calls, t.recorded]).toEqual([[], [], []]);
  });

  it("hands the call what started the run and the checked input", async () => {
    const t = deps();
    await runJob("report-sync", { kind: "manual", isPastDue: false }, t.deps);
    await runJob("report-sync", { kind: "timer", isPastDue: true }, t.deps, { input: "ignored" });
    expect(t.calls.map((c) => [c.trigger, "input" in c])).toEqual([
      [{ kind: "manual", isPastDue: false }, false],
      [{ kind: "timer", isPastDue: true }, false],
    ]);
  });

  it("takes the lease, calls the API, records the run and hands the outcome to the alerts", async () => {
    const t = deps();
    const result = await runJob("report-sync", timer, t.deps);
    expect(result).toMatchObject({
      runId: "run-1",
      job: "report-sync",
      trigger: "timer",
      status: "succeeded",
      httpStatus: 200,
    });
    expect(t.leases).toMatchObject([{ key: "job-report-sync", owner: "instance-1/run-1", ttlMs: 40_000 }]);
    expect(t.leases[0]?.released).not.toBeNull();
    expect(t.recorded.map((r) => r.result)).toEqual([result]);
    expect(t.notified).toMatchObject([
      { result, recording: { recorded: true, standing: { consecutiveFailures: 0 } } },
    ]);
  });

  it("gives the lease, the API call and the token one deadline of the job's deadlineMs, and passes the host's signal", async () => {
    const host = new AbortController();
    const t = deps();
    await runJob("report-sync", timer, t.deps, { signal: host.signal });

    const context = t.calls[0]!;
    expect(context.deadline?.atMs).toBe(START + 10_000);
    expect(context.deadlineAt).toEqual(new Date(START + 10_000));
    expect(context.signal).toBe(host.signal);
    expect(t.leases[0]?.deadline).toBe(context.deadline);
  });

  it("records and alerts within the record budget kept after the deadline: Table Storage within two thirds of it", async () => {
    const t = deps({ recordMarginMs: 3_000 });
    await runJob("report-sync", timer, t.deps);

    const recordDeadline = t.recorded[0]!.deadline;
    const { ledgerDeadline, channelDeadline } = t.notified[0]!.context;
    expect(recordDeadline).toBe(ledgerDeadline);
    expect(ledgerDeadline.atMs).toBe(START + 2_000);
    expect(channelDeadline.atMs).toBe(START + 3_000);
    expect(t.leases[0]?.released).toBe(channelDeadline);
    expect(t.leases[0]?.ttlMs).toBe(13_000);
  });

  it("ends the record budget no later than the margin after the run's deadline, however late the call came back", async () => {
    const t = deps({ recordMarginMs: 3_000 });
    t.deps.call = () => {
      t.time.advance(10_500); // the call settled half a second after the run's deadline
      return Promise.resolve(succeeded);
    };
    await runJob("report-sync", timer, t.deps);

    expect(t.notified[0]!.context.channelDeadline.atMs).toBe(START + 13_000);
  });

  it("records a run the deadline stopped as timed-out, naming the edge, and alerts it like a failure", async () => {
    const t = deps({
      call: () =>
        Promise.resolve({
          ...succeeded,
          status: "failed",
          httpStatus: null,
          attempts: [{ attempt: 1, status: null, durationMs: 1000, error: "timeout", retryAfterMs: null }],
          errorCode: "DEADLINE",
          errorMessage:
            "Attempt 1 had only 990 ms left before the run's deadline and got no response in time.",
        }),
    });
    const result = await runJob("report-sync", timer, t.deps);

    expect(result).toMatchObject({
      status: "timed-out",
      errorCode: "DEADLINE",
      errorMessage:
        "The downstream API did not finish within the run's deadline (10 s). Attempt 1 had only 990 ms left before the run's deadline and got no response in time.",
    });
    expect(t.recorded.map((r) => r.result.status)).toEqual(["timed-out"]);
    expect(t.notified.map((n) => n.result.status)).toEqual(["timed-out"]);
    expect(t.log.entries.filter((e) => e.level === "error")).toEqual([
      {
        level: "error",
        message: `Job run timed out: ${result.errorMessage}`,
        properties: expect.objectContaining({
          job: "report-sync",
          runId: "run-1",
          status: "timed-out",
          errorCode: "DEADLINE",
          edge: "the downstream API",
          recorded: true,
        }) as unknown,
      },
    ]);
  });

  it("names the edge the call named when the deadline ended it, in the log line and not in the record", async () => {
    const errorMessage =
      "Key Vault did not answer within 10 s: the invocation's deadline was reached. Check that Key Vault is reachable from the app; a slow answer now and then is retried on the next run.";
    const t = deps({
      call: () =>
        Promise.resolve({
          ...succeeded,
          status: "failed",
          httpStatus: null,
          attempts: [],
          errorCode: "DEADLINE",
          errorMessage,
          edge: "Key Vault",
        }),
    });
    const result = await runJob("report-sync", timer, t.deps);

    expect(result).toMatchObject({ status: "timed-out", errorCode: "DEADLINE", errorMessage });
    expect(result).not.toHaveProperty("edge");
    expect(t.recorded[0]?.result).not.toHaveProperty("edge");
    expect(t.log.entries.find((e) => e.level === "error")?.properties).toMatchObject({
      status: "timed-out",
      edge: "Key Vault",
    });
  });

  it("skips without calling the API when another run holds the lease, records it and says why", async () => {
    const t = deps({
      acquireLease: () =>
        Promise.resolve({
          acquired: false as const,
          heldBy: "instance-2/run-0",
          expiresAt: new Date("2026-11-21T10:00:40Z"),
        }),
    });
    const result = await runJob("report-sync", { kind: "manual", isPastDue: false }, t.deps);
    expect(t.calls).toHaveLength(0);
    expect(result).toMatchObject({
      status: "skipped",
      errorCode: "LEASE_HELD",
      skippedReason:
        "another run of 'report-sync' is in progress (instance-2/run-0, lease until 2026-11-21T10:00:40.000Z)",
    });
    expect(t.recorded).toHaveLength(1);
    expect(t.notified).toHaveLength(0);
    expect(t.log.entries).toEqual([
      expect.objectContaining({
        level: "warn",
        message: "Job run skipped",
        properties: expect.objectContaining({ reason: result.skippedReason }) as unknown,
      }),
    ]);
  });

  it("does not call the API when the lease cannot be taken, and records and alerts the failed run", async () => {
    const t = deps({ acquireLease: () => Promise.reject(new Error("storage unreachable")) });
    const result = await runJob("report-sync", timer, t.deps);
    expect(t.calls).toHaveLength(0);
    expect(result).toMatchObject({
      status: "failed",
      errorCode: "LEASE_UNAVAILABLE",
      errorMessage: "Could not take the job's lease, so the API was not called: storage unreachable",
    });
    expect(t.recorded).toHaveLength(1);
    expect(t.notified).toHaveLength(1);
    expect(t.log.entries).toEqual([
      expect.objectContaining({
        level: "error",
        properties: expect.objectContaining({
          errorCode: "LEASE_UNAVAILABLE",
          edge: "Table Storage",
        }) as unknown,
      }),
    ]);
  });

  it("ends as timed-out when Table Storage does not answer for the lease within the deadline", async () => {
    const t = deps({
      acquireLease: () => Promise.reject(new TimedOutError("Table Storage", 10_000)),
    });
    const result = await runJob("report-sync", timer, t.deps);
    expect(result).toMatchObject({
      status: "timed-out",
      errorCode: "TIMED_OUT",
      errorMessage: expect.stringMatching(
        /^Could not take the job's lease, so the API was not called: Table Storage did not answer within 10 s: the invocation's deadline was reached\./,
      ) as unknown,
    });
    expect(t.notified.map((n) => n.result.status)).toEqual(["timed-out"]);
  });

  it("keeps the run's own outcome when recording fails, tells the alerting it was not recorded, and logs one line", async () => {
    const t = deps({
      record: () => Promise.reject(new TimedOutError("Table Storage", 20_000)),
      notify: () => Promise.resolve<JobNotifyReport>({ via: "direct", ledgerError: null }),
    });
    const result = await runJob("report-sync", timer, t.deps);
    expect(result.status).toBe("succeeded");
    expect(t.leases[0]?.released).not.toBeNull();
    expect(t.log.entries).toHaveLength(1);
    expect(t.log.entries[0]).toMatchObject({
      level: "error",
      message: expect.stringMatching(
        /^Job run succeeded — the run was not recorded; the alert channels were told directly: Table Storage did not answer within 20 s/,
      ) as unknown,
      properties: {
        job: "report-sync",
        runId: "run-1",
        status: "succeeded",
        errorCode: null,
        edge: "Table Storage",
        recorded: false,
        alerted: "direct",
        consecutiveFailures: null,
      },
    });
  });

  it("passes a failed recording to the notifier, which tells the channels without the ledger", async () => {
    const failure = new Error("Table Storage answered HTTP 503 ServerBusy");
    const t = deps({ record: () => Promise.reject(failure) });
    await runJob("report-sync", timer, t.deps);
    expect(t.notified[0]?.recording).toEqual({ recorded: false, error: failure });
  });

  it("names the ledger's failure in the run's one line when only alerting could not use Table Storage", async () => {
    const t = deps({
      notify: () =>
        Promise.resolve<JobNotifyReport>({
          via: "direct",
          ledgerError: new TimedOutError("Table Storage", 2_000),
        }),
    });
    await runJob("report-sync", timer, t.deps);
    expect(t.log.entries).toHaveLength(1);
    expect(t.log.entries[0]).toMatchObject({
      level: "error",
      message: expect.stringMatching(
        /^Job run succeeded — alerting could not use the alert ledger; the alert channels were told directly: Table Storage did not answer/,
      ) as unknown,
      properties: { recorded: true, alerted: "direct", edge: "Table Storage", consecutiveFailures: 0 },
    });
  });

  it("logs a lease that could not be released as a warning: it expires on its own", async () => {
    const t = deps({
      acquireLease: () =>
        Promise.resolve({ acquired: true as const, release: () => Promise.reject(new Error("412")) }),
    });
    const result = await runJob("report-sync", timer, t.deps);
    expect(result.status).toBe("succeeded");
    expect(t.log.entries.map((e) => [e.level, e.message])).toEqual([
      ["warn", "Could not release the job lease; it expires on its own"],
      ["info", "Job run succeeded"],
    ]);
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
