import { fileURLToPath } from "node:url";
import { TableClient } from "@azure/data-tables";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startLocalWorld, type LocalWorld } from "../../dev/demo/startDemo.js";
import { startLocalHost, type LocalHost } from "../../dev/host/startLocalHost.js";
import type { RunResult } from "../../src/jobs/RunResult.js";
import { CHECKPOINT_TABLE } from "../../src/state/tableCheckpointStore.js";
import { LEASE_TABLE } from "../../src/state/tableLeaseStore.js";
import { startHostProcess, type HostProcess } from "../support/hostProcess.js";

// Two instances of the app on one storage account, as a scaled-out Function App: this test's own host, and one in a
// process of its own that the test can kill mid-run. The default world: the sync example's roles granted, Graph's
// User.Read.All not.
const entry = fileURLToPath(new URL("../../src/index.ts", import.meta.url));
const scenario = fileURLToPath(new URL("../../dev/scenarios/default.json", import.meta.url));

let world: LocalWorld;
let host: LocalHost;
let other: HostProcess | undefined;
beforeAll(async () => {
  world = await startLocalWorld(scenario);
  host = await startLocalHost({ entry, logger: { log: () => undefined }, env: world.env });
}, 60_000);
afterAll(async () => {
  await other?.kill();
  await host?.stop();
  await world?.stop();
});
beforeEach(() => {
  world.downstream.faults.clear();
  world.downstream.resetRequests();
});

const table = (name: string) =>
  TableClient.fromConnectionString(world.env.AzureWebJobsStorage!, name, { allowInsecureConnection: true });

async function runHere(name: string) {
  const response = await host.invokeHttp("jobs-run", { params: { name } });
  return { status: response.status, result: response.json() as RunResult & { error?: { message: string } } };
}

async function runThere(instance: HostProcess, name: string) {
  const response = await fetch(`${instance.url}/api/jobs/${name}/run`, {
    method: "POST",
    headers: { "x-functions-key": instance.masterKey },
  });
  return { status: response.status, result: (await response.json()) as RunResult };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const feedReads = () =>
  world.downstream.requests
    .filter((r) => r.path === "/changes")
    .map((r) => new URLSearchParams(r.query).get("after"));

describe("two instances", () => {
  it("never run the same job at once: the second start is skipped while the first holds the lease", async () => {
    other = await startHostProcess(world.env);
    // The first page is slow, so both runs are sure to overlap.
    world.downstream.faults.enqueue("GET /changes", { kind: "latency", ms: 1_500 });
    const [there, here] = await Promise.all([
      runThere(other, "sync-changes"),
      new Promise((resolve) => setTimeout(resolve, 300)).then(() => runHere("sync-changes")),
    ]);
    expect(there.result).toMatchObject({ status: "succeeded", json: { pushed: 7, after: 7 } });
    expect(here.status).toBe(409);
    expect(here.result).toMatchObject({ status: "skipped", errorCode: "LEASE_HELD" });
    expect(here.result.skippedReason).toContain(`another run of 'sync-changes' is in progress`);
    // One run read the feed and pushed each change once.
    expect(feedReads()).toEqual(["0", "3", "6"]);
    expect(world.inventory.writes.map((w) => w.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("a crash mid-run neither skips nor repeats a window: the next run goes on from the last commit", async () => {
    world.inventory.add(6); // changes 8..13: two pages of three
    const writesBefore = world.inventory.writes.length;
    // The first page passes; the second never answers, and the instance is killed while it waits.
    world.downstream.faults.enqueue("GET /changes", { kind: "latency", ms: 0 }, { kind: "hang" });
    const crashed = runThere(other!, "sync-changes").catch(() => null);
    await until(() => feedReads().length === 2, "the second page's request");
    await other!.kill();
    other = undefined;
    expect(await crashed).toBeNull();
    // The first page was pushed and committed before the crash.
    const checkpoint = await table(CHECKPOINT_TABLE).getEntity<{ json: string }>(
      "sync-changes",
      "checkpoint",
    );
    expect(JSON.parse(checkpoint.json)).toEqual({ after: 10 });
    // The crashed run's lease would expire on its own (its deadline plus the record margin); the test takes it away
    // rather than wait.
    await table(LEASE_TABLE).deleteEntity("job-sync-changes", "lease");

    world.downstream.resetRequests();
    const next = await runHere("sync-changes");
    expect(next.result).toMatchObject({ status: "succeeded", json: { pushed: 3, after: 13 } });
    expect(feedReads()).toEqual(["10"]);
    expect(world.inventory.writes.slice(writesBefore).map((w) => w.seq)).toEqual([8, 9, 10, 11, 12, 13]);
  });
});

describe("the Graph job without the permission", () => {
  it("fails FORBIDDEN as Graph refuses the list, naming what the token holds", async () => {
    const { status, result } = await runHere("directory-report");
    expect(status).toBe(502);
    expect(result).toMatchObject({ status: "failed", errorCode: "FORBIDDEN", httpStatus: 403 });
    expect(result.errorMessage).toContain("GET https://127.0.0.1");
    expect(result.errorBodyExcerpt).toContain("Authorization_RequestDenied");
  });
});
