import { fileURLToPath } from "node:url";
import { TableClient } from "@azure/data-tables";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startLocalWorld, type LocalWorld } from "../../dev/demo/startDemo.js";
import { startLocalHost, type LocalHost } from "../../dev/host/startLocalHost.js";
import type { RunResult } from "../../src/jobs/RunResult.js";
import type { RecordedRun } from "../../src/state/RunHistory.js";
import { CHECKPOINT_TABLE } from "../../src/state/tableCheckpointStore.js";

// The example job modules (examples/jobs) in the local Functions host, against the demo's stand-ins: the sync copies
// the downstream API's change feed to its inventory from a checkpoint in Azurite; the Graph job pages through the
// Entra ID stand-in's users. Runs are started through POST /api/jobs/{name}/run, as an operator would.
const entry = fileURLToPath(new URL("../../src/index.ts", import.meta.url));
const scenario = fileURLToPath(new URL("../../dev/scenarios/demo.json", import.meta.url));

let world: LocalWorld;
let host: LocalHost;
beforeAll(async () => {
  world = await startLocalWorld(scenario);
  host = await startLocalHost({
    entry,
    logger: { log: () => undefined },
    // A short deadline, so that a run held by a hung API times out within the test.
    env: { ...world.env, M2M_RUN_DEADLINE_SECONDS: "5" },
  });
}, 60_000);
afterAll(async () => {
  await host?.stop();
  await world?.stop();
});
beforeEach(() => {
  world.downstream.faults.clear();
  world.downstream.resetRequests();
});

async function run(name: string, body?: Record<string, unknown>) {
  const response = await host.invokeHttp("jobs-run", { params: { name }, ...(body ? { body } : {}) });
  return { status: response.status, result: response.json() as RunResult & { error?: { code: string } } };
}

async function checkpoint(job: string): Promise<unknown> {
  const table = TableClient.fromConnectionString(world.env.AzureWebJobsStorage!, CHECKPOINT_TABLE, {
    allowInsecureConnection: true,
  });
  const row = await table.getEntity<{ json: string }>(job, "checkpoint");
  return JSON.parse(row.json) as unknown;
}

const feedReads = () =>
  world.downstream.requests
    .filter((r) => r.path === "/changes")
    .map((r) => new URLSearchParams(r.query).get("after"));

describe("code jobs are jobs like the declared ones", () => {
  it("get a timer each and are listed by GET /api/jobs with their module", async () => {
    const timers = host.functions.filter((f) => f.triggerType === "timerTrigger").map((f) => f.name);
    expect(timers).toEqual(expect.arrayContaining(["job-sync-changes", "job-directory-report"]));
    const listed = (await host.invokeHttp("jobs-list")).json() as { jobs: Record<string, unknown>[] };
    expect(listed.jobs.find((job) => job.name === "sync-changes")).toMatchObject({
      kind: "code",
      source: "examples/jobs/sync-changes.ts",
      schedule: "%SYNC_SCHEDULE%",
      resolvedSchedule: "*/15 * * * * *",
    });
    expect(listed.jobs.find((job) => job.name === "report-pull")).toMatchObject({ kind: "http" });
  });
});

// In order: each run starts where the one before left the checkpoint.
describe("the incremental sync (examples/jobs/sync-changes.ts)", () => {
  it("pages through the feed (3 pages), pushes every change and advances the checkpoint", async () => {
    const { status, result } = await run("sync-changes");
    expect(status).toBe(200);
    expect(result).toMatchObject({ status: "succeeded", json: { pages: 3, pushed: 7, after: 7 } });
    expect(feedReads()).toEqual(["0", "3", "6"]);
    expect(world.inventory.writes.map((w) => w.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(await checkpoint("sync-changes")).toEqual({ after: 7 });
    // The run's summary is in its history, like a declared job's outcome.
    const runs = (await host.invokeHttp("jobs-runs", { params: { name: "sync-changes" } })).json() as {
      runs: RecordedRun[];
    };
    expect(runs.runs[0]).toMatchObject({ runId: result.runId, status: "succeeded", json: { pushed: 7 } });
  });

  it("starts the next run after the checkpoint: only the new changes", async () => {
    world.inventory.add(2);
    const { result } = await run("sync-changes");
    expect(result).toMatchObject({ status: "succeeded", json: { pages: 1, pushed: 2, after: 9 } });
    expect(feedReads()).toEqual(["7"]);
    expect(await checkpoint("sync-changes")).toEqual({ after: 9 });
  });

  it("keeps the checkpoint where it was when a run fails, and the next run redoes that window", async () => {
    world.inventory.add(3);
    world.downstream.faults.enqueue("PUT /inventory/{id}", { kind: "status", status: 403 });
    const failed = await run("sync-changes");
    expect(failed.status).toBe(502);
    expect(failed.result).toMatchObject({ status: "failed", errorCode: "FORBIDDEN", httpStatus: 403 });
    expect(await checkpoint("sync-changes")).toEqual({ after: 9 });

    world.downstream.resetRequests();
    const retried = await run("sync-changes");
    expect(retried.result).toMatchObject({ status: "succeeded", json: { pushed: 3, after: 12 } });
    expect(feedReads()).toEqual(["9"]);
    // Nothing skipped: every change reached the inventory.
    expect(world.inventory.writes.map((w) => w.seq).slice(-3)).toEqual([10, 11, 12]);
  });

  it("answers a 401 mid-run with one fresh token and goes on", async () => {
    world.inventory.add(2);
    const scope = "api://m2m-downstream/.default";
    const tokensBefore = world.standIns.entra.tokenRequests.filter((r) => r.scope === scope).length;
    // The first PUT comes after the feed was read with the same (cached) token.
    world.downstream.faults.enqueue("PUT /inventory/{id}", { kind: "unauthorized" });
    const { result } = await run("sync-changes");
    expect(result).toMatchObject({ status: "succeeded", json: { pushed: 2 } });
    // The feed read, then the first PUT refused and sent again with the fresh token, then the second PUT.
    expect(result.attempts.map((a) => a.status)).toEqual([200, 401, expect.any(Number), expect.any(Number)]);
    expect(result.attempts.slice(2).every((a) => a.status! >= 200 && a.status! < 300)).toBe(true);
    expect(world.standIns.entra.tokenRequests.filter((r) => r.scope === scope)).toHaveLength(
      tokensBefore + 1,
    );
  });

  it("times out a run held by a hung API at its deadline, recorded as timed-out", async () => {
    world.inventory.add(1);
    world.downstream.faults.enqueue("PUT /inventory/{id}", { kind: "hang" });
    const { status, result } = await run("sync-changes");
    expect(status).toBe(504);
    expect(result).toMatchObject({ status: "timed-out", errorCode: "DEADLINE" });
    // Whichever ends first — the attempt's timeout (cut to the time left) or the run's deadline — the message names
    // the edge and the request that held the run.
    expect(result.errorMessage).toMatch(
      /^The downstream API did not finish within the run's deadline \(5 s\)\. .*PUT https:\/\/127\.0\.0\.1:\d+\/inventory\/item-\d+/,
    );
    expect(await checkpoint("sync-changes")).toEqual({ after: 14 });
  });

  it("takes a manual run's input, checked by the module", async () => {
    const replay = await run("sync-changes", { from: 13 });
    expect(replay.result).toMatchObject({ status: "succeeded", json: { pushed: 2, after: 15 } });
    const refused = await run("sync-changes", { from: -1 });
    expect(refused.status).toBe(400);
    expect(refused.result.error).toMatchObject({ code: "JOB_INPUT_INVALID" });
    const declared = await run("report-pull", { from: 1 });
    expect(declared.status).toBe(400);
  });
});

describe("the Graph job (examples/jobs/directory-report.ts)", () => {
  it("pages through the tenant's users with Graph's own paging, as the app", async () => {
    const { status, result } = await run("directory-report");
    expect(status).toBe(200);
    expect(result).toMatchObject({ status: "succeeded", json: { users: 5, disabled: 1, pages: 3 } });
  });
});
