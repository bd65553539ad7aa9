import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createJobsService } from "../../src/jobs/createJobsService.js";
import type { JobDefinition } from "../../src/jobs/JobDefinition.js";
import type { JobSummary } from "../../src/state/JobSummary.js";
import type { LeaseStore } from "../../src/state/LeaseStore.js";
import { nextJobSummary } from "../../src/state/nextJobSummary.js";
import type { RunHistory } from "../../src/state/RunHistory.js";
import { recordingLogger } from "../support/recordingLogger.js";
import { captureTelemetry, type TelemetryCapture } from "../support/telemetryCapture.js";
import { fakeTokenSource } from "./downstream/fakeTokenSource.js";
import { testJob } from "./downstream/harness.js";
import { startScriptedServer } from "./downstream/scriptedServer.js";

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;
const timer = { kind: "timer", isPastDue: false } as const;

/** Run history in memory, with the summaries Table Storage would keep. */
function memoryHistory(): RunHistory {
  const summaries = new Map<string, JobSummary>();
  return {
    record: (result) => {
      const next = nextJobSummary(summaries.get(result.job) ?? null, result);
      summaries.set(result.job, next);
      return Promise.resolve({ ...next, uninterrupted: false });
    },
    summaries: () => Promise.resolve([...summaries.values()]),
    summary: (job) => Promise.resolve(summaries.get(job) ?? null),
    recent: () => Promise.resolve([]),
    standing: (job) => Promise.resolve({ summary: summaries.get(job) ?? null, runs: [] }),
  };
}

/** Leases that are always free, or (heldBy) always held by another run. */
function leases(options: { heldBy?: string } = {}): LeaseStore {
  const expiresAt = new Date(Date.now() + 60_000);
  return {
    acquire: (key, owner) =>
      Promise.resolve(
        options.heldBy
          ? { acquired: false, heldBy: options.heldBy, expiresAt }
          : { acquired: true, lease: { key, owner, acquiredAt: new Date(), expiresAt, etag: "e" } },
      ),
    renew: () => Promise.reject(new Error("not used")),
    release: () => Promise.resolve(),
  };
}

/** The jobs service against `job`, with waits that return at once (noting the span id active while waiting). */
function service(job: JobDefinition, options: { heldBy?: string } = {}) {
  const log = recordingLogger();
  const waitedIn: (string | undefined)[] = [];
  const jobs = createJobsService({
    jobs: [job],
    tokens: fakeTokenSource().tokens,
    history: memoryHistory(),
    leases: leases(options),
    notify: () => Promise.resolve({ via: "none", ledgerError: null }),
    clock: () => new Date(),
    maxBodyBytes: 1_048_576,
    instanceId: "test",
    sleep: () => {
      waitedIn.push(trace.getActiveSpan()?.spanContext().spanId);
      return Promise.resolve();
    },
    random: () => 0.5,
  });
  return { jobs, log, waitedIn, run: () => jobs.run(job.name, timer, log.logger) };
}

let server: Awaited<ReturnType<typeof startScriptedServer>>;
let capture: TelemetryCapture | undefined;
beforeEach(async () => {
  server = await startScriptedServer();
});
afterEach(async () => {
  await capture?.stop();
  capture = undefined;
  await server.close();
});

const spanNamed = (name: string) => capture!.spans().filter((span) => span.name === name);

describe("a job run's telemetry", () => {
  it("is one span per run, with a CLIENT span per attempt as its children and the backoff between them", async () => {
    capture = captureTelemetry();
    server.answer({ status: 503 }, { status: 200 });
    const job = testJob(server.url, {
      request: { method: "GET", url: `${server.url}/reports?code=function-key`, headers: {}, body: null },
    });
    const t = service(job);

    const result = await t.run();

    const [run] = spanNamed("job report-sync");
    expect(run).toMatchObject({
      kind: SpanKind.INTERNAL,
      status: { code: SpanStatusCode.UNSET },
      attributes: {
        "m2m.job": "report-sync",
        "m2m.run.id": result.runId,
        "m2m.run.trigger": "timer",
        "m2m.outcome": "succeeded",
      },
    });
    const attempts = spanNamed("GET");
    expect(attempts.map((span) => span.parentSpanContext?.spanId)).toEqual([
      run!.spanContext().spanId,
      run!.spanContext().spanId,
    ]);
    expect(attempts.map((span) => span.spanContext().traceId)).toEqual([
      run!.spanContext().traceId,
      run!.spanContext().traceId,
    ]);
    const url = `${server.url}/reports?<query removed>`;
    expect(
      attempts.map((span) => ({ kind: span.kind, status: span.status, attributes: span.attributes })),
    ).toEqual([
      {
        kind: SpanKind.CLIENT,
        status: { code: SpanStatusCode.ERROR },
        attributes: {
          "http.request.method": "GET",
          "url.full": url,
          "server.address": "127.0.0.1",
          "m2m.attempt": 1,
          "m2m.attempt.retry": false,
          "http.response.status_code": 503,
          "error.type": "503",
        },
      },
      {
        kind: SpanKind.CLIENT,
        status: { code: SpanStatusCode.UNSET },
        attributes: {
          "http.request.method": "GET",
          "url.full": url,
          "server.address": "127.0.0.1",
          "m2m.attempt": 2,
          "m2m.attempt.retry": true,
          "http.response.status_code": 200,
        },
      },
    ]);
    // The backoff wait is in the run's span, not in an attempt's.
    expect(t.waitedIn).toEqual([run!.spanContext().spanId]);
  });

  it("sends each attempt's own span as the traceparent, and records the last one sent", async () => {
    capture = captureTelemetry();
    server.answer({ status: 503 }, { status: 200 });
    const t = service(testJob(server.url));

    const result = await t.run();

    const expected = spanNamed("GET").map(
      (span) => `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`,
    );
    expect(server.requests.map((request) => request.headers.traceparent)).toEqual(expected);
    expect(result.correlation.traceparent).toBe(expected[1]);
  });

  it("sends a valid traceparent with telemetry off: one trace id per run, a new span id per attempt", async () => {
    server.answer({ status: 503 }, { status: 200 });
    const t = service(testJob(server.url));

    const result = await t.run();

    const [first, second] = server.requests.map((request) =>
      TRACEPARENT.exec(String(request.headers.traceparent)),
    );
    expect(first).not.toBeNull();
    expect(second?.[1]).toBe(first?.[1]);
    expect(second?.[2]).not.toBe(first?.[2]);
    expect(result.correlation.traceparent).toBe(second?.[0]);
  });

  it("marks a failed run's span failed with the run's error code", async () => {
    capture = captureTelemetry();
    server.answer({ status: 404 });
    const t = service(testJob(server.url));

    const result = await t.run();

    expect(result.status).toBe("failed");
    expect(spanNamed("job report-sync")).toMatchObject([
      {
        status: { code: SpanStatusCode.ERROR, message: result.errorMessage },
        attributes: { "m2m.outcome": "failed", "m2m.error.code": "HTTP_STATUS", "error.type": "HTTP_STATUS" },
      },
    ]);
  });

  it("does not mark a skipped run failed", async () => {
    capture = captureTelemetry();
    const t = service(testJob(server.url), { heldBy: "other/run-0" });

    await t.run();

    const [run] = spanNamed("job report-sync");
    expect(run?.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(run?.attributes["m2m.outcome"]).toBe("skipped");
    expect(spanNamed("GET")).toEqual([]);
  });

  it("counts each run with its failure streak: 2 after two failures, 0 after a success", async () => {
    capture = captureTelemetry();
    server.answer({ status: 404 }, { status: 404 }, { status: 200 });
    const t = service(testJob(server.url));
    const streak = async () =>
      (await capture!.points()).find((point) => point.name === "m2m.job.failure_streak")?.value;

    await t.run();
    await t.run();
    const afterTwoFailures = await streak();
    await t.run();

    expect(afterTwoFailures).toBe(2);
    expect(await streak()).toBe(0);
    const points = await capture.points();
    expect(points.filter((point) => point.name === "m2m.job.runs")).toEqual([
      {
        name: "m2m.job.runs",
        unit: "{run}",
        attributes: { "m2m.job": "report-sync", "m2m.run.trigger": "timer", "m2m.outcome": "failed" },
        value: 2,
      },
      {
        name: "m2m.job.runs",
        unit: "{run}",
        attributes: { "m2m.job": "report-sync", "m2m.run.trigger": "timer", "m2m.outcome": "succeeded" },
        value: 1,
      },
    ]);
    expect(points.filter((point) => point.name === "m2m.job.duration").map((point) => point.value)).toEqual([
      2, 1,
    ]);
  });

  it("counts each attempt by retry, outcome and status", async () => {
    capture = captureTelemetry();
    server.answer({ status: 503 }, { reset: true }, { status: 200 });
    const t = service(testJob(server.url));

    await t.run();

    const points = (await capture.points()).filter((point) => point.name === "m2m.downstream.attempts");
    expect(points).toEqual([
      {
        name: "m2m.downstream.attempts",
        unit: "{attempt}",
        attributes: {
          "m2m.job": "report-sync",
          "m2m.attempt.retry": false,
          "m2m.outcome": "http-error",
          "http.response.status_code": 503,
        },
        value: 1,
      },
      {
        name: "m2m.downstream.attempts",
        unit: "{attempt}",
        attributes: { "m2m.job": "report-sync", "m2m.attempt.retry": true, "m2m.outcome": "network-error" },
        value: 1,
      },
      {
        name: "m2m.downstream.attempts",
        unit: "{attempt}",
        attributes: {
          "m2m.job": "report-sync",
          "m2m.attempt.retry": true,
          "m2m.outcome": "ok",
          "http.response.status_code": 200,
        },
        value: 1,
      },
    ]);
    expect(spanNamed("GET")[1]?.attributes["error.type"]).toBe("ECONNRESET");
  });
});

describe("a job run's log lines", () => {
  it("are one Information line for a warm successful timer run", async () => {
    server.answer({ status: 200 }, { status: 200 });
    const t = service(testJob(server.url));
    await t.run();
    t.log.entries.length = 0;

    const result = await t.run();

    expect(t.log.entries).toMatchObject([
      {
        level: "info",
        message: "Job run succeeded",
        properties: { job: "report-sync", runId: result.runId, trigger: "timer", status: "succeeded" },
      },
    ]);
  });
});
