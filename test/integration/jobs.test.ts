import { odata, TableClient } from "@azure/data-tables";
import { HttpRequest, InvocationContext, type Timer } from "@azure/functions";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAzurite, type Azurite } from "../../dev/azurite/startAzurite.js";
import {
  startDownstreamStandIn,
  type DownstreamStandIn,
} from "../../dev/downstream/startDownstreamStandIn.js";
import { startStandIns, type StandIns } from "../../dev/startStandIns.js";
import {
  startWebhookReceiver,
  verifyHmac,
  type WebhookReceiver,
} from "../../dev/webhooks/startWebhookReceiver.js";
import { loadConfig } from "../../src/config/loadConfig.js";
import { createServices, type Services } from "../../src/container.js";
import { ConfigurationError } from "../../src/errors.js";
import { jobTimerHandler } from "../../src/functions/jobTimerHandler.js";
import { listJobsHandler } from "../../src/functions/listJobsHandler.js";
import { listRunsHandler } from "../../src/functions/listRunsHandler.js";
import { runJobHandler } from "../../src/functions/runJobHandler.js";
import type { RunResult } from "../../src/jobs/RunResult.js";
import { recordingLogger } from "../support/recordingLogger.js";
import { testScenario } from "../support/useStandIns.js";

const scenario = testScenario({ certificates: [{ name: "app" }] });

let standIns: StandIns;
let downstream: DownstreamStandIn;
let receiver: WebhookReceiver;
let azurite: Azurite;
let services: Services;
const savedEnv = { ...process.env };
const log = recordingLogger();

const fast = { timeoutMs: 2000, retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 } };

beforeAll(async () => {
  [standIns, azurite, receiver] = await Promise.all([
    startStandIns(scenario),
    startAzurite(),
    startWebhookReceiver(),
  ]);
  downstream = await startDownstreamStandIn({
    issuer: standIns.entra.issuer,
    jwksUri: standIns.entra.jwksUri,
    audience: "api://m2m-downstream",
  });
  Object.assign(process.env, standIns.managedIdentityEnv);
  const jobs = [
    {
      name: "report-pull",
      schedule: "0 */5 * * * *",
      request: { url: `${downstream.url}/reports` },
      ...fast,
    },
    {
      name: "slow-pull",
      schedule: "0 0 * * * *",
      request: { url: `${downstream.url}/reports` },
      ...fast,
      timeoutMs: 300,
      retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10 },
    },
    {
      name: "tight-deadline",
      schedule: "0 0 * * * *",
      request: { url: `${downstream.url}/reports` },
      ...fast,
      timeoutMs: 1000,
      deadlineMs: 1500,
    },
    {
      name: "report-sync",
      schedule: "0 0 2 * * *",
      request: { method: "POST", url: `${downstream.url}/reports/sync`, body: { full: false } },
      ...fast,
    },
    {
      name: "flaky",
      schedule: "0 0 * * * *",
      request: { url: `${downstream.url}/reports` },
      ...fast,
      retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
    },
    {
      name: "paused",
      schedule: "0 0 * * * *",
      request: { url: `${downstream.url}/reports` },
      enabled: false,
    },
    {
      name: "report-keep",
      schedule: "0 0 * * * *",
      request: { url: `${downstream.url}/reports` },
      ...fast,
      keepResponse: true,
    },
  ];
  const config = loadConfig({
    ...standIns.settings,
    AzureWebJobsStorage: azurite.connectionString,
    M2M_JOBS: JSON.stringify(jobs),
    M2M_ALERT_AFTER_FAILURES: "2",
    M2M_ALERT_TEAMS_WEBHOOK_URL: `${receiver.url}/teams/workflow`,
    M2M_ALERT_SLACK_WEBHOOK_URL: `${receiver.url}/slack/hook`,
    M2M_ALERT_WEBHOOK_URL: `${receiver.url}/generic`,
    M2M_ALERT_WEBHOOK_SECRET: "hook-secret",
  });
  services = createServices(config, { logger: log.logger });
}, 60_000);

afterAll(async () => {
  process.env = savedEnv;
  await Promise.all([standIns?.stop(), downstream?.stop(), receiver?.stop(), azurite?.stop()]);
});

beforeEach(() => {
  downstream.faults.clear();
});

const context = (functionName: string) =>
  new InvocationContext({ functionName, invocationId: crypto.randomUUID(), logHandler: () => undefined });
const timer = (isPastDue = false): Timer => ({
  isPastDue,
  schedule: { adjustForDST: false },
  scheduleStatus: {
    last: "2026-11-21T10:00:00+00:00",
    next: "2026-11-21T10:05:00+00:00",
    lastUpdated: "2026-11-21T10:00:00+00:00",
  },
});

async function runNow(name: string): Promise<{ status: number; body: RunResult }> {
  const request = new HttpRequest({
    method: "POST",
    url: `http://localhost/api/jobs/${name}/run`,
    params: { name },
  });
  const response = await runJobHandler(request, context("jobs-run"), () => services.jobs);
  return { status: response.status ?? 200, body: response.jsonBody as RunResult };
}

describe("scheduled jobs against a protected API", () => {
  it("runs on its timer, calls the API with a bearer token and correlation ids, and records the run", async () => {
    downstream.resetRequests();
    await jobTimerHandler("report-pull", timer(), context("job-report-pull"), () => services.jobs);

    const [request] = downstream.requests;
    expect(request).toMatchObject({
      method: "GET",
      path: "/reports",
      status: 200,
      appid: scenario.app.clientId,
      roles: ["Reports.Read.All"],
    });
    expect(request?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const summary = (await services.jobs.summaries()).get("report-pull");
    expect(summary).toMatchObject({ lastStatus: "succeeded", lastHttpStatus: 200, consecutiveFailures: 0 });

    const list = await listJobsHandler(
      new HttpRequest({ method: "GET", url: "http://localhost/api/jobs" }),
      context("jobs-list"),
      () => services.jobs,
      () => new Date("2026-11-21T10:01:00Z"),
    );
    const jobs = (list.jsonBody as { jobs: { name: string; nextRun: string | null; lastOutcome: unknown }[] })
      .jobs;
    expect(jobs.find((j) => j.name === "report-pull")).toMatchObject({
      nextRun: "2026-11-21T10:05:00.000Z",
      lastOutcome: { lastStatus: "succeeded" },
    });
    expect(jobs.find((j) => j.name === "paused")).toMatchObject({ enabled: false, nextRun: null });
  });

  it("lists a job's recent runs, newest first, and names the known jobs for an unknown one", async () => {
    const response = await listRunsHandler(
      new HttpRequest({
        method: "GET",
        url: "http://localhost/api/jobs/report-pull/runs?limit=2",
        params: { name: "report-pull" },
        query: { limit: "2" },
      }),
      context("jobs-runs"),
      () => services.jobs,
    );
    const body = response.jsonBody as { job: string; runs: RunResult[] };
    expect(body.job).toBe("report-pull");
    expect(body.runs.length).toBeGreaterThanOrEqual(1);
    expect(body.runs.length).toBeLessThanOrEqual(2);
    expect(body.runs[0]).toMatchObject({ job: "report-pull", status: "succeeded" });
    const unknown = await listRunsHandler(
      new HttpRequest({
        method: "GET",
        url: "http://localhost/api/jobs/nope/runs",
        params: { name: "nope" },
      }),
      context("jobs-runs"),
      () => services.jobs,
    );
    expect(unknown.status).toBe(404);
  });

  it("retries a 503 and succeeds", async () => {
    downstream.faults.enqueue("GET /reports", { kind: "status", status: 503 });
    const { status, body } = await runNow("report-pull");
    expect(status).toBe(200);
    expect(body.attempts.map((a) => a.status)).toEqual([503, 200]);
    expect(body.correlation.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("honours Retry-After on 429", async () => {
    downstream.faults.enqueue("GET /reports", { kind: "throttle", retryAfter: "1" });
    const { body } = await runNow("report-pull");
    expect(body.status).toBe("succeeded");
    expect(body.attempts[0]).toMatchObject({ status: 429, retryAfterMs: 1000 });
    expect(body.durationMs).toBeGreaterThanOrEqual(1000);
  });

  it("times out attempts that hang, then fails with TIMEOUT", async () => {
    downstream.faults.enqueue("GET /reports", { kind: "hang" }, { kind: "hang" });
    const { status, body } = await runNow("slow-pull");
    expect(status).toBe(502);
    expect(body).toMatchObject({ status: "failed", errorCode: "TIMEOUT" });
    expect(body.attempts).toHaveLength(2);
  });

  it("stops at the run's deadline instead of waiting out a long Retry-After, and ends timed-out", async () => {
    downstream.faults.enqueue("GET /reports", { kind: "throttle", retryAfter: "30" });
    const { status, body } = await runNow("tight-deadline");
    expect(status).toBe(504);
    expect(body).toMatchObject({ status: "timed-out", errorCode: "DEADLINE" });
    expect(body.errorMessage).toMatch(
      /^The downstream API did not finish within the run's deadline \(1\.5 s\)\. The API answered HTTP 429 and asked to wait 30 s \(Retry-After\)/,
    );
    expect(body.durationMs).toBeLessThan(1500);
  });

  it("gets one fresh token after a 401 to a cached token", async () => {
    await runNow("report-pull"); // the token is cached now
    const before = standIns.entra.tokenRequests.length;
    downstream.faults.enqueue("GET /reports", { kind: "unauthorized" });
    const { body } = await runNow("report-pull");
    expect(body.status).toBe("succeeded");
    expect(body.attempts.map((a) => a.status)).toEqual([401, 200]);
    expect(standIns.entra.tokenRequests.length - before).toBe(1);
  });

  it("fails with a message naming the missing app role", async () => {
    const { status, body } = await runNow("report-sync");
    expect(status).toBe(502);
    expect(body.errorCode).toBe("FORBIDDEN");
    expect(body.errorMessage).toContain("Reports.Write");
    expect(body.attempts).toHaveLength(1);
  });

  it("guards overlapping runs of the same job", async () => {
    downstream.faults.enqueue("GET /reports", { kind: "latency", ms: 800 });
    const [scheduled, manual] = await Promise.all([
      jobTimerHandler("report-pull", timer(), context("job-report-pull"), () => services.jobs).then(
        () => null,
      ),
      new Promise((resolve) => setTimeout(resolve, 200)).then(() => runNow("report-pull")),
    ]);
    expect(scheduled).toBeNull();
    expect(manual.status).toBe(409);
    expect(manual.body).toMatchObject({ status: "skipped", errorCode: "LEASE_HELD" });
    expect(manual.body.skippedReason).toMatch(/^another run of 'report-pull' is in progress/);
  });

  it("answers 404 naming the known jobs, and 409 for a disabled job", async () => {
    const unknown = await runJobHandler(
      new HttpRequest({
        method: "POST",
        url: "http://localhost/api/jobs/nope/run",
        params: { name: "nope" },
      }),
      context("jobs-run"),
      () => services.jobs,
    );
    expect(unknown.status).toBe(404);
    expect(JSON.stringify(unknown.jsonBody)).toContain(
      "Known jobs: report-pull, slow-pull, tight-deadline, report-sync, flaky, paused",
    );
    expect((await runNow("paused")).status).toBe(409);
  });
});

describe("alerts", () => {
  it("alerts once after N consecutive failures on every channel, then once when it recovers", async () => {
    receiver.reset();
    const fail = () =>
      downstream.faults.enqueue("GET /reports", { kind: "status", status: 500, body: "boom" });
    fail();
    await runNow("flaky");
    expect(receiver.received).toHaveLength(0);

    fail();
    await runNow("flaky");
    expect(receiver.received.map((r) => r.path).sort()).toEqual([
      "/generic",
      "/slack/hook",
      "/teams/workflow",
    ]);

    fail();
    await runNow("flaky");
    expect(receiver.received).toHaveLength(3);

    await runNow("flaky");
    expect(receiver.received).toHaveLength(6);
    const generic = receiver.received
      .filter((r) => r.path === "/generic")
      .map((r) => r.json as { kind: string });
    expect(generic.map((a) => a.kind)).toEqual(["firing", "resolved"]);
    expect(
      receiver.received.filter((r) => r.path === "/generic").every((r) => verifyHmac(r, "hook-secret")),
    ).toBe(true);

    await runNow("flaky");
    expect(receiver.received).toHaveLength(6);
  });

  it("retries a failed delivery on the next run, and the job's own error still shows", async () => {
    receiver.reset();
    receiver.failNext(1, 500);
    downstream.faults.enqueue(
      "GET /reports",
      { kind: "status", status: 500 },
      { kind: "status", status: 500 },
    );
    await runNow("flaky");
    const { body } = await runNow("flaky");
    expect(body).toMatchObject({ status: "failed", errorCode: "HTTP_STATUS", httpStatus: 500 });
    expect(receiver.attempts).toHaveLength(3);
    expect(receiver.received).toHaveLength(2);

    await runNow("flaky"); // succeeds: the failed delivery goes out, then the recovery on every channel
    const kinds = (path: string) =>
      receiver.received
        .filter((r) => r.path === path)
        .map((r) => (r.json as { kind?: string; type?: string; text?: string }) ?? {});
    expect(receiver.received).toHaveLength(6);
    for (const path of ["/teams/workflow", "/slack/hook", "/generic"]) expect(kinds(path)).toHaveLength(2);
    expect(kinds("/generic").map((a) => a.kind)).toEqual(["firing", "resolved"]);
  });
});

describe("run results keep no downstream data by default", () => {
  /** The run's row in m2mRunHistory, read with the Tables SDK as written (not through the app's reader). */
  async function storedRow(job: string, runId: string): Promise<Record<string, unknown> | undefined> {
    const table = TableClient.fromConnectionString(azurite.connectionString, "m2mRunHistory", {
      allowInsecureConnection: true,
    });
    for await (const row of table.listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${job} and runId eq ${runId}` },
    }))
      return row;
    return undefined;
  }

  async function recordedRuns(name: string): Promise<RunResult[]> {
    const response = await listRunsHandler(
      new HttpRequest({
        method: "GET",
        url: `http://localhost/api/jobs/${name}/runs?limit=5`,
        params: { name },
        query: { limit: "5" },
      }),
      context("jobs-runs"),
      () => services.jobs,
    );
    return (response.jsonBody as { runs: RunResult[] }).runs;
  }

  it("answers and records a run of a job without keepResponse with no response body: its size only", async () => {
    const { status, body } = await runNow("report-pull");

    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "succeeded", httpStatus: 200, json: null });
    expect(body.bytes).toBeGreaterThan(0);
    const row = await storedRow("report-pull", body.runId);
    expect(row).toMatchObject({ status: "succeeded", bytes: body.bytes });
    expect(row).not.toHaveProperty("json");
    expect((await recordedRuns("report-pull")).find((run) => run.runId === body.runId)).toMatchObject({
      json: null,
    });
  });

  it("keeps the response of a job with keepResponse in its result and its history", async () => {
    const reports = {
      reports: [
        { id: "r-001", name: "Daily usage", generatedAt: "2025-01-01T06:00:00Z" },
        { id: "r-002", name: "Licence summary", generatedAt: "2025-01-01T06:05:00Z" },
      ],
    };

    const { status, body } = await runNow("report-keep");

    expect(status).toBe(200);
    expect(body.json).toEqual(reports);
    expect(JSON.parse(String((await storedRow("report-keep", body.runId))?.json))).toEqual(reports);
    expect((await recordedRuns("report-keep")).find((run) => run.runId === body.runId)?.json).toEqual(
      reports,
    );
  });

  it("records an error body only as a scrubbed excerpt", async () => {
    downstream.faults.enqueue("GET /reports", {
      kind: "status",
      status: 400,
      body: "bad request; retry at https://svc:hunter2@api.example/v1/items?sig=abc123",
    });

    const { body } = await runNow("report-pull");

    expect(body).toMatchObject({
      status: "failed",
      errorCode: "HTTP_STATUS",
      json: null,
      errorBodyExcerpt: "bad request; retry at https://api.example/v1/items?<query removed>",
    });
    expect(await storedRow("report-pull", body.runId)).toMatchObject({
      errorBodyExcerpt: "bad request; retry at https://api.example/v1/items?<query removed>",
    });
  });
});

describe("job definitions", () => {
  it("refuses a bad definition at start-up, naming the job and the field", () => {
    expect(() =>
      loadConfig({
        ...standIns.settings,
        AzureWebJobsStorage: azurite.connectionString,
        M2M_JOBS: JSON.stringify([
          { name: "nightly", schedule: "0 0 2 * *", request: { url: "https://api.test" } },
        ]),
      }),
    ).toThrow(ConfigurationError);
  });
});
