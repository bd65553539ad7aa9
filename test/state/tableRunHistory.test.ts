import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type Azurite } from "../../dev/azurite/startAzurite.js";
import { tableClientFor } from "../../src/state/tableClientFor.js";
import { MAX_PROPERTY_CHARS, toRunEntity } from "../../src/state/runEntity.js";
import { tableRunHistory } from "../../src/state/tableRunHistory.js";
import { freshTableName } from "./freshTableName.js";
import { failedRunFor, runResultFor, skippedRunFor } from "./runResultFor.js";

let azurite: Azurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});

function freshHistory() {
  const table = tableClientFor(
    { kind: "connection-string", connectionString: azurite.connectionString },
    freshTableName(),
  );
  return { table, history: tableRunHistory(table) };
}

/** Start times one minute apart from 10:00, in order. */
const at = (minute: number) => new Date(Date.UTC(2030, 0, 1, 10, minute)).toISOString();

describe("tableRunHistory", () => {
  it("reads back every field of the recorded runs, newest first", async () => {
    const { history } = freshHistory();
    const first = failedRunFor({ runId: "a", startedAt: at(0), isPastDue: true });
    const second = runResultFor({ runId: "b", startedAt: at(5), json: { items: [1, 2], next: null } });
    const third = skippedRunFor({ runId: "c", startedAt: at(10) });
    for (const run of [first, second, third]) await history.record(run);

    const recent = await history.recent("report-sync", 10);

    expect(recent).toEqual([
      { ...third, truncated: [] },
      { ...second, truncated: [] },
      { ...first, truncated: [] },
    ]);
    expect((await history.recent("report-sync", 2)).map((r) => r.runId)).toEqual(["c", "b"]);
  });

  it("keeps a summary per job, found whatever the case of its name", async () => {
    const { history } = freshHistory();
    await history.record(failedRunFor({ runId: "a", startedAt: at(0) }));
    await history.record(failedRunFor({ runId: "b", startedAt: at(1), isPastDue: true }));
    const last = await history.record(runResultFor({ runId: "c", startedAt: at(2) }));
    await history.record(skippedRunFor({ runId: "d", startedAt: at(3) }));
    await history.record(runResultFor({ job: "graph-pull", runId: "e", startedAt: at(4) }));

    expect(last).toMatchObject({ consecutiveFailures: 0, totalRuns: 3 });
    expect(await history.summary("Report-Sync")).toEqual({
      job: "report-sync",
      lastRunId: "c",
      lastStatus: "succeeded",
      lastRunAt: at(2),
      lastDurationMs: 120,
      lastHttpStatus: 200,
      lastErrorCode: null,
      lastErrorMessage: null,
      consecutiveFailures: 0,
      lastSuccessAt: at(2),
      lastFailureAt: at(1),
      totalRuns: 4,
      lastPastDueAt: at(1),
    });
    expect((await history.summaries()).map((s) => [s.job, s.totalRuns])).toEqual([
      ["graph-pull", 1],
      ["report-sync", 4],
    ]);
    expect(await history.summary("never-ran")).toBeNull();
    expect(await history.recent("never-ran", 5)).toEqual([]);
    // A name that cannot be a Table Storage key was never recorded either (say, typed into a URL).
    expect(await history.summary("no/such#job")).toBeNull();
    expect(await history.recent("no/such#job", 5)).toEqual([]);
  });

  it("counts every run when several are recorded at once (ETag conflicts are retried)", async () => {
    const { history, table } = freshHistory();
    // A second instance of the app, with its own client, records into the same table.
    const other = tableRunHistory(
      tableClientFor(
        { kind: "connection-string", connectionString: azurite.connectionString },
        table.tableName,
      ),
    );
    const runs = Array.from({ length: 8 }, (_, i) => failedRunFor({ runId: `f${i}`, startedAt: at(i) }));

    await Promise.all(runs.map((run, i) => (i % 2 ? other : history).record(run)));

    expect(await history.summary("report-sync")).toMatchObject({ totalRuns: 8, consecutiveFailures: 8 });
    expect(await history.recent("report-sync", 100)).toHaveLength(8);
  });

  it("records a warm instance's next run without reading the summary it wrote, and rereads one changed since", async () => {
    const { table } = freshHistory();
    // The SDK calls the history makes, counted by name.
    const calls: string[] = [];
    const counted = {
      ...table,
      client: async (deadline?: Parameters<typeof table.client>[0]) => {
        const client = await table.client(deadline);
        return new Proxy(client, {
          get(target, name, receiver) {
            const value: unknown = Reflect.get(target, name, receiver);
            if (typeof value !== "function" || typeof name !== "string") return value;
            return (...args: unknown[]) => {
              calls.push(name);
              return (value as (...a: unknown[]) => unknown).apply(target, args);
            };
          },
        });
      },
    };
    const here = tableRunHistory(counted);
    const elsewhere = tableRunHistory(table);
    await here.record(failedRunFor({ runId: "a", startedAt: at(0) }));
    calls.length = 0;

    await here.record(failedRunFor({ runId: "b", startedAt: at(1) }));
    expect(calls).toEqual(["submitTransaction"]);

    // Another instance records a run: this one's next write is refused on the ETag, reads, and counts all three.
    await elsewhere.record(failedRunFor({ runId: "c", startedAt: at(2) }));
    calls.length = 0;
    const summary = await here.record(failedRunFor({ runId: "d", startedAt: at(3) }));
    expect(calls).toEqual(["submitTransaction", "getEntity", "submitTransaction"]);
    expect(summary).toMatchObject({ consecutiveFailures: 4, totalRuns: 4 });
  });

  it("says a summary is uninterrupted when this instance wrote the one before it and nobody recorded since", async () => {
    const { table } = freshHistory();
    const here = tableRunHistory(table);
    const elsewhere = tableRunHistory(table);
    // The first write here: nothing known before it.
    expect(await here.record(failedRunFor({ runId: "a", startedAt: at(0) }))).toMatchObject({
      uninterrupted: false,
    });
    expect(await here.record(runResultFor({ runId: "b", startedAt: at(1) }))).toMatchObject({
      uninterrupted: true,
    });
    // Another instance records: its first write read the summary; this one's next write is refused, reads, and is not.
    expect(await elsewhere.record(failedRunFor({ runId: "c", startedAt: at(2) }))).toMatchObject({
      uninterrupted: false,
    });
    expect(await here.record(failedRunFor({ runId: "d", startedAt: at(3) }))).toMatchObject({
      uninterrupted: false,
      consecutiveFailures: 2,
    });
    expect(await here.record(runResultFor({ runId: "e", startedAt: at(4) }))).toMatchObject({
      uninterrupted: true,
    });
    // The same run again changes nothing and vouches for nothing.
    expect(await here.record(runResultFor({ runId: "e", startedAt: at(4) }))).toMatchObject({
      uninterrupted: false,
    });
  });

  it("counts a run recorded twice once, one after the other or at the same time", async () => {
    const { history } = freshHistory();
    const run = failedRunFor({ runId: "dup" });

    const first = await history.record(run);
    const again = await history.record(run);
    await Promise.all([
      history.record(failedRunFor({ runId: "dup2" })),
      history.record(failedRunFor({ runId: "dup2" })),
    ]);

    expect(first).toMatchObject({ totalRuns: 1, consecutiveFailures: 1 });
    expect(again).toEqual(first);
    expect(await history.summary("report-sync")).toMatchObject({ totalRuns: 2, consecutiveFailures: 2 });
    expect(await history.recent("report-sync", 10)).toHaveLength(2);
  });

  it("cuts an error excerpt and a response body too big for Table Storage, and says so", async () => {
    const { history } = freshHistory();
    const excerpt = "<html>" + "x".repeat(100_000);
    const json = { rows: Array.from({ length: 20_000 }, (_, i) => i) };
    await history.record(failedRunFor({ runId: "big", errorBodyExcerpt: excerpt, json }));

    const [run] = await history.recent("report-sync", 1);

    expect(run?.truncated).toEqual(["errorBodyExcerpt", "json"]);
    expect(run?.json).toBeNull();
    expect(run?.errorBodyExcerpt).toHaveLength(MAX_PROPERTY_CHARS);
    expect(run?.errorBodyExcerpt?.startsWith("<html>xxx")).toBe(true);
    expect(run?.errorBodyExcerpt).toMatch(/…\[truncated 68\d{3} chars\]$/);
    expect(await history.summary("report-sync")).toMatchObject({ totalRuns: 1 });
  });
});

describe("tableRunHistory's rows: a job's runs and summary in one partition", () => {
  const legacySummary = {
    partitionKey: "_summary",
    rowKey: "report-sync",
    job: "report-sync",
    lastRunId: "old-9",
    lastStatus: "failed",
    lastRunAt: at(0),
    consecutiveFailures: 2,
    lastFailureAt: at(0),
    lastSuccessAt: at(-10),
    totalRuns: 9,
    countedRunIds: JSON.stringify(["old-8", "old-9"]),
  };

  it("writes a run and its summary in one transaction: when it is refused, neither is there", async () => {
    const table = tableClientFor(
      { kind: "connection-string", connectionString: azurite.faultyConnectionString },
      freshTableName(),
    );
    const history = tableRunHistory(table);
    await history.record(failedRunFor({ runId: "a", startedAt: at(0) }));
    azurite.tableFaults.enqueueFor(table.tableName, { kind: "unauthorized" });

    await expect(history.record(failedRunFor({ runId: "b", startedAt: at(1) }))).rejects.toMatchObject({
      code: "STATE_ACCESS_DENIED",
    });

    expect((await history.recent("report-sync", 10)).map((run) => run.runId)).toEqual(["a"]);
    expect(await history.summary("report-sync")).toMatchObject({ totalRuns: 1, lastRunId: "a" });
    expect(await history.record(failedRunFor({ runId: "b", startedAt: at(1) }))).toMatchObject({
      totalRuns: 2,
      consecutiveFailures: 2,
    });
  });

  it("reads a job's summary and last runs in one request", async () => {
    const history = tableRunHistory(
      tableClientFor(
        { kind: "connection-string", connectionString: azurite.faultyConnectionString },
        freshTableName(),
      ),
    );
    for (const minute of [0, 1, 2])
      await history.record(runResultFor({ runId: `r${minute}`, startedAt: at(minute) }));
    const reads = azurite.tableRequests.length;

    const standing = await history.standing("Report-Sync", 2);

    expect(standing.summary).toMatchObject({ job: "report-sync", totalRuns: 3, lastRunId: "r2" });
    expect(standing.runs.map((run) => run.runId)).toEqual(["r2", "r1"]);
    expect(azurite.tableRequests.length - reads).toBe(1);
    expect(await history.standing("never-ran", 2)).toEqual({ summary: null, runs: [] });
  });

  it("carries a summary from the partition summaries were kept in before on, and reads it until then", async () => {
    const { table, history } = freshHistory();
    const client = await table.client();
    await client.createEntity(legacySummary);

    expect(await history.summary("report-sync")).toMatchObject({ totalRuns: 9, consecutiveFailures: 2 });
    expect((await history.standing("report-sync", 5)).summary).toMatchObject({ totalRuns: 9 });
    expect(await history.summaries({ jobs: ["report-sync"] })).toMatchObject([{ totalRuns: 9 }]);
    // old-9 was counted by the legacy summary: recording it again changes nothing.
    expect(await history.record(failedRunFor({ runId: "old-9", startedAt: at(0) }))).toMatchObject({
      totalRuns: 9,
    });
    expect(await history.record(failedRunFor({ runId: "new-1", startedAt: at(1) }))).toMatchObject({
      totalRuns: 10,
      consecutiveFailures: 3,
      lastSuccessAt: at(-10),
    });

    expect(await history.summary("report-sync")).toMatchObject({ totalRuns: 10 });
    // Listed once, from the job's own row, though the legacy row is still there.
    expect((await history.summaries()).map((summary) => [summary.job, summary.totalRuns])).toEqual([
      ["report-sync", 10],
    ]);
    expect(await client.getEntity("_summary", "report-sync")).toMatchObject({ totalRuns: 9 });
  });

  it("counts a run whose row is there without being counted (an older version died between its two writes) once", async () => {
    const { table, history } = freshHistory();
    await history.record(failedRunFor({ runId: "a", startedAt: at(0) }));
    const lost = failedRunFor({ runId: "b", startedAt: at(1) });
    const client = await table.client();
    await client.createEntity(toRunEntity(lost));

    expect(await history.record(lost)).toMatchObject({
      totalRuns: 2,
      consecutiveFailures: 2,
      lastRunId: "b",
    });
    expect(await history.record(lost)).toMatchObject({ totalRuns: 2 });
    expect((await history.recent("report-sync", 10)).map((run) => run.runId)).toEqual(["b", "a"]);
  });
});

describe("tableRunHistory refusing what Table Storage cannot hold", () => {
  it("refuses a run whose job name cannot be a key, before writing anything", async () => {
    const { history } = freshHistory();
    await expect(history.record(runResultFor({ job: "a/b" }))).rejects.toMatchObject({
      code: "STATE_INVALID_KEY",
      message:
        "The job name 'a/b' cannot be a Table Storage key: expected 1 to 512 characters without '/', '\\', '#', '?' or control characters.",
    });
  });

  it("refuses a run without a readable start time", async () => {
    const { history } = freshHistory();
    await expect(history.record(runResultFor({ startedAt: "yesterday" }))).rejects.toMatchObject({
      code: "STATE_INVALID_RUN",
      message: "Run run-1 of job 'report-sync' has startedAt 'yesterday': expected an ISO 8601 time.",
    });
  });
});
