import { HttpRequest, InvocationContext } from "@azure/functions";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAzurite, type Azurite } from "../../dev/azurite/startAzurite.js";
import {
  startDownstreamStandIn,
  type DownstreamStandIn,
} from "../../dev/downstream/startDownstreamStandIn.js";
import { startStandIns, type StandIns } from "../../dev/startStandIns.js";
import { startWebhookReceiver, type WebhookReceiver } from "../../dev/webhooks/startWebhookReceiver.js";
import type { Alert } from "../../src/alerts/Alert.js";
import { createAlertChannels } from "../../src/alerts/createAlertChannels.js";
import { createJobNotifier } from "../../src/alerts/createJobNotifier.js";
import { ALERT_TABLE, tableAlertLedger } from "../../src/alerts/tableAlertLedger.js";
import { systemClock } from "../../src/clock/Clock.js";
import { loadConfig } from "../../src/config/loadConfig.js";
import { createServices } from "../../src/container.js";
import { listRunsHandler } from "../../src/functions/listRunsHandler.js";
import { runJobHandler } from "../../src/functions/runJobHandler.js";
import { createJobsService } from "../../src/jobs/createJobsService.js";
import type { JobsService } from "../../src/jobs/JobsService.js";
import type { RunResult } from "../../src/jobs/RunResult.js";
import { silentLogger } from "../../src/logging/Logger.js";
import { tableClientFor } from "../../src/state/tableClientFor.js";
import { LEASE_TABLE, tableLeaseStore } from "../../src/state/tableLeaseStore.js";
import { RUN_HISTORY_TABLE, tableRunHistory } from "../../src/state/tableRunHistory.js";
import { testScenario } from "../support/useStandIns.js";
import { splitLogLine } from "../support/logLine.js";

/**
 * Jobs whose edges hang — Table Storage (through the fault proxy in front of Azurite), the downstream API, the alert
 * webhook — with the real SDKs over real HTTP(S). Each run must end within its deadline plus the record margin, be
 * recorded (or, when Table Storage is what hangs, logged as one line), and alert when due.
 */
const scenario = testScenario({ certificates: [{ name: "app" }] });

const DEADLINE_MS = 1_500;
/** The record budget kept after a run's deadline (30 s in production; short here). */
const RECORD_MARGIN_MS = 3_000;
/** Slack for the test's own work around a run (an HTTP handler, the event loop). */
const SLACK_MS = 1_000;

let standIns: StandIns;
let downstream: DownstreamStandIn;
let receiver: WebhookReceiver;
let azurite: Azurite;
let jobs: JobsService;
const savedEnv = { ...process.env };

const jobNames = ["lease-hang", "record-hang", "ledger-hang", "api-hang", "hook-hang"] as const;

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
  const config = loadConfig({
    ...standIns.settings,
    AzureWebJobsStorage: azurite.faultyConnectionString,
    M2M_JOBS: JSON.stringify(
      jobNames.map((name) => ({
        name,
        schedule: "0 0 * * * *",
        request: { url: `${downstream.url}/reports` },
        timeoutMs: 1_000,
        deadlineMs: DEADLINE_MS,
        retry: { maxAttempts: name === "hook-hang" ? 1 : 3, baseDelayMs: 10, maxDelayMs: 10 },
      })),
    ),
  });
  // The token path as the app builds it; the job's collaborators over the fault proxy, with a short record margin.
  const { tokens } = createServices(config, { logger: silentLogger });
  const storage = { kind: "connection-string" as const, connectionString: azurite.faultyConnectionString };
  const channels = createAlertChannels({
    teamsWebhookUrl: null,
    slackWebhookUrl: null,
    webhookUrl: `${receiver.url}/generic`,
    webhookSecret: null,
    timeoutMs: 10_000,
  });
  jobs = createJobsService({
    jobs: config.jobs,
    tokens,
    history: tableRunHistory(tableClientFor(storage, RUN_HISTORY_TABLE)),
    leases: tableLeaseStore(tableClientFor(storage, LEASE_TABLE), { clock: systemClock }),
    notify: createJobNotifier({
      channels,
      ledger: tableAlertLedger(tableClientFor(storage, ALERT_TABLE), { clock: systemClock }),
      threshold: 2,
    }),
    clock: systemClock,
    maxBodyBytes: config.maxBodyBytes,
    recordMarginMs: RECORD_MARGIN_MS,
  });
  // Warm up: the tables exist and a token is cached before any fault is scripted.
  const warmUp = await run("lease-hang");
  if (warmUp.body.status !== "succeeded") throw new Error(`warm-up run failed: ${warmUp.body.errorMessage}`);
}, 60_000);

afterAll(async () => {
  process.env = savedEnv;
  await Promise.all([standIns?.stop(), downstream?.stop(), receiver?.stop(), azurite?.stop()]);
});

beforeEach(() => {
  azurite.tableFaults.clear();
  downstream.faults.clear();
  receiver.reset();
});

type LogEntry = { level: string; message: string; properties: Record<string, unknown> };

/** POST /api/jobs/{name}/run, with what the invocation logged and how long it took. */
async function run(name: string) {
  const logs: LogEntry[] = [];
  const context = new InvocationContext({
    functionName: "jobs-run",
    invocationId: crypto.randomUUID(),
    logHandler: (level, message) =>
      logs.push({
        level,
        ...splitLogLine(String(message)),
      }),
  });
  const started = Date.now();
  const response = await runJobHandler(
    new HttpRequest({ method: "POST", url: `http://localhost/api/jobs/${name}/run`, params: { name } }),
    context,
    () => jobs,
  );
  return {
    status: response.status,
    body: response.jsonBody as RunResult,
    logs,
    errors: logs.filter((entry) => entry.level === "error"),
    elapsedMs: Date.now() - started,
  };
}

async function recentRuns(name: string): Promise<RunResult[]> {
  const response = await listRunsHandler(
    new HttpRequest({ method: "GET", url: `http://localhost/api/jobs/${name}/runs`, params: { name } }),
    new InvocationContext({ functionName: "jobs-runs", invocationId: "x", logHandler: () => undefined }),
    () => jobs,
  );
  return (response.jsonBody as { runs: RunResult[] }).runs;
}

const alerts = () => receiver.received.map((delivery) => delivery.json as Alert);

describe("a job whose Table Storage hangs", () => {
  it("for the lease: ends timed-out within its deadline plus the record margin, logs one line, and tells the webhook directly", async () => {
    // Every request hangs: the lease's, then the run row's.
    azurite.tableFaults.enqueue(...Array.from({ length: 5 }, () => ({ kind: "hang" as const })));
    downstream.resetRequests();

    const { status, body, errors, elapsedMs } = await run("lease-hang");

    expect(elapsedMs).toBeLessThan(DEADLINE_MS + RECORD_MARGIN_MS + SLACK_MS);
    expect(status).toBe(504);
    expect(body).toMatchObject({ status: "timed-out", errorCode: "TIMED_OUT", attempts: [] });
    expect(body.errorMessage).toMatch(
      /^Could not take the job's lease, so the API was not called: Table Storage did not answer within \d+(\.\d)? s: the invocation's deadline was reached\./,
    );
    expect(downstream.requests).toHaveLength(0);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(
      /^Job run timed out: Could not take the job's lease.* — the run was not recorded; the alert channels were told directly: Table Storage did not answer within 2 s/,
    );
    expect(errors[0]?.properties).toMatchObject({
      job: "lease-hang",
      runId: body.runId,
      status: "timed-out",
      errorCode: "TIMED_OUT",
      edge: "Table Storage",
      durationMs: body.durationMs,
      recorded: false,
      alerted: "direct",
    });
    expect(alerts()).toEqual([
      expect.objectContaining({
        subject: "job:lease-hang",
        kind: "firing",
        title: "Job 'lease-hang' cannot use Table Storage: its runs are not recorded or alerted as usual",
        dedupeKey: expect.stringMatching(/^job:lease-hang:storage:/) as unknown,
      }),
    ]);
  });

  it("while recording: keeps the run's outcome, logs one line and tells the webhook directly, once per streak", async () => {
    azurite.tableFaults.enqueueFor(RUN_HISTORY_TABLE, { kind: "hang" }, { kind: "hang" });

    const first = await run("record-hang");

    expect(first.elapsedMs).toBeLessThan(DEADLINE_MS + RECORD_MARGIN_MS + SLACK_MS);
    expect(first).toMatchObject({ status: 200, body: { status: "succeeded" } });
    expect(first.errors).toHaveLength(1);
    expect(first.errors[0]?.message).toMatch(
      /^Job run succeeded — the run was not recorded; the alert channels were told directly: Table Storage did not answer within 2 s/,
    );
    expect(first.errors[0]?.properties).toMatchObject({
      edge: "Table Storage",
      recorded: false,
      status: "succeeded",
    });
    expect(alerts().map((a) => a.subject)).toEqual(["job:record-hang"]);

    // Still hanging on the next run: not told again in this streak.
    const second = await run("record-hang");
    expect(second.errors[0]?.properties).toMatchObject({ recorded: false, alerted: "none" });
    expect(alerts()).toHaveLength(1);
    expect((await recentRuns("record-hang")).map((r) => r.runId)).not.toContain(first.body.runId);
  });

  it("in the alert ledger: the run is recorded, one line names the ledger, and the webhook is told directly", async () => {
    azurite.tableFaults.enqueueFor(ALERT_TABLE, { kind: "hang" });

    const { body, errors, elapsedMs } = await run("ledger-hang");

    expect(elapsedMs).toBeLessThan(DEADLINE_MS + RECORD_MARGIN_MS + SLACK_MS);
    expect(body.status).toBe("succeeded");
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(
      /^Job run succeeded — alerting could not use the alert ledger; the alert channels were told directly: Table Storage did not answer within/,
    );
    expect(errors[0]?.properties).toMatchObject({ recorded: true, alerted: "direct", edge: "Table Storage" });
    expect((await recentRuns("ledger-hang"))[0]).toMatchObject({ runId: body.runId, status: "succeeded" });
    expect(alerts().map((a) => a.dedupeKey)).toEqual([expect.stringMatching(/^job:ledger-hang:storage:/)]);
  });
});

describe("a job whose downstream API hangs past its deadline", () => {
  it("ends timed-out, is recorded, and alerts once the threshold is reached", async () => {
    const hang = () =>
      downstream.faults.enqueue("GET /reports", { kind: "hang" }, { kind: "hang" }, { kind: "hang" });
    hang();
    const first = await run("api-hang");

    expect(first.elapsedMs).toBeLessThan(DEADLINE_MS + RECORD_MARGIN_MS + SLACK_MS);
    expect(first.status).toBe(504);
    expect(first.body).toMatchObject({ status: "timed-out", errorCode: "DEADLINE" });
    expect(first.body.errorMessage).toMatch(
      /^The downstream API did not finish within the run's deadline \(1\.5 s\)\. Attempt 2 had only \d+ ms left before the run's deadline and got no response in time\.$/,
    );
    expect(first.errors).toHaveLength(1);
    expect(first.errors[0]?.properties).toMatchObject({
      status: "timed-out",
      edge: "the downstream API",
      recorded: true,
      consecutiveFailures: 1,
      alerted: "ledger",
    });
    expect((await recentRuns("api-hang"))[0]).toMatchObject({ runId: first.body.runId, status: "timed-out" });
    expect(alerts()).toEqual([]);

    hang();
    const second = await run("api-hang");

    expect(second.body.status).toBe("timed-out");
    expect(alerts()).toEqual([
      expect.objectContaining({
        subject: "job:api-hang",
        kind: "firing",
        title: "Job 'api-hang' has failed 2 runs in a row",
        text: expect.stringMatching(
          /^The downstream API did not finish within the run's deadline/,
        ) as unknown,
      }),
    ]);
    expect(alerts()[0]?.facts).toContainEqual({ name: "Status", value: "timed-out" });
  });
});

describe("a hung alert webhook", () => {
  it("does not hold the run past its budget, and the delivery is retried on the next run", async () => {
    downstream.faults.enqueue(
      "GET /reports",
      ...Array.from({ length: 3 }, () => ({ kind: "status" as const, status: 500 })),
    );
    await run("hook-hang"); // 1 of 2 failures
    receiver.faults.enqueue({ kind: "hang" });

    const firing = await run("hook-hang");

    expect(firing.elapsedMs).toBeLessThan(DEADLINE_MS + RECORD_MARGIN_MS + SLACK_MS);
    expect(firing.body).toMatchObject({ status: "failed", errorCode: "HTTP_STATUS" });
    expect(receiver.attempts.map((a) => a.status)).toEqual([0]); // the alert went out, and got no answer
    expect(alerts()).toEqual([]);

    const next = await run("hook-hang");

    expect(next.body.status).toBe("failed");
    expect(alerts()).toEqual([
      expect.objectContaining({
        subject: "job:hook-hang",
        kind: "firing",
        dedupeKey: "job:hook-hang:firing:after:none",
      }),
    ]);
  });
});
