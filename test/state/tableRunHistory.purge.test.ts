import { TableClient, type TransactionAction } from "@azure/data-tables";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type Azurite } from "../../dev/azurite/startAzurite.js";
import { toRunEntity } from "../../src/state/runEntity.js";
import { tableClientFor } from "../../src/state/tableClientFor.js";
import { tableRunHistory } from "../../src/state/tableRunHistory.js";
import { freshTableName } from "./freshTableName.js";
import { failedRunFor, runResultFor } from "./runResultFor.js";

let azurite: Azurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});

const DAY_MS = 86_400_000;
const NOW = Date.UTC(2030, 5, 1, 6, 0);
const CUTOFF = new Date(NOW - 30 * DAY_MS);
const daysAgo = (days: number, plusMs = 0) => new Date(NOW - days * DAY_MS + plusMs).toISOString();

function freshHistory(tableName = freshTableName()) {
  const connection = { kind: "connection-string" as const, connectionString: azurite.connectionString };
  const raw = TableClient.fromConnectionString(azurite.connectionString, tableName, {
    allowInsecureConnection: true,
  });
  return { tableName, history: tableRunHistory(tableClientFor(connection, tableName)), raw };
}

describe("tableRunHistory.purgeBefore", () => {
  it("deletes every job's runs that started before the cutoff and keeps newer runs and every summary", async () => {
    const { history } = freshHistory();
    const runs = [
      failedRunFor({ runId: "a-40d", startedAt: daysAgo(40) }),
      runResultFor({ runId: "a-30d-1ms", startedAt: daysAgo(30, -1) }),
      runResultFor({ runId: "a-30d", startedAt: daysAgo(30) }),
      runResultFor({ runId: "a-1d", startedAt: daysAgo(1) }),
      runResultFor({ job: "Graph-Pull", runId: "b-400d", startedAt: daysAgo(400) }),
      runResultFor({ job: "Graph-Pull", runId: "b-2d", startedAt: daysAgo(2) }),
      runResultFor({ job: "quiet", runId: "c-3d", startedAt: daysAgo(3) }),
    ];
    for (const run of runs) await history.record(run);
    const summariesBefore = await history.summaries();

    const report = await history.purgeBefore(CUTOFF, { maxBatches: 10 });

    expect(report).toEqual({ deleted: 3, batches: 2, complete: true });
    expect((await history.recent("report-sync", 10)).map((r) => r.runId)).toEqual(["a-1d", "a-30d"]);
    expect((await history.recent("graph-pull", 10)).map((r) => r.runId)).toEqual(["b-2d"]);
    expect((await history.recent("quiet", 10)).map((r) => r.runId)).toEqual(["c-3d"]);
    expect(await history.summaries()).toEqual(summariesBefore);
    expect(await history.purgeBefore(CUTOFF, { maxBatches: 10 })).toEqual({
      deleted: 0,
      batches: 0,
      complete: true,
    });
  });

  it("finds the runs of a job whose summary is still in the legacy partition (recorded by an earlier version)", async () => {
    const { history, raw } = freshHistory();
    await raw.createTable();
    await raw.createEntity({ partitionKey: "_summary", rowKey: "old-job", job: "old-job", totalRuns: 2 });
    for (const run of [
      runResultFor({ job: "old-job", runId: "o-40d", startedAt: daysAgo(40) }),
      runResultFor({ job: "old-job", runId: "o-1d", startedAt: daysAgo(1) }),
    ])
      await raw.createEntity(toRunEntity(run));
    await history.record(runResultFor({ runId: "n-50d", startedAt: daysAgo(50) }));

    expect(await history.purgeBefore(CUTOFF, { maxBatches: 10 })).toEqual({
      deleted: 2,
      batches: 2,
      complete: true,
    });
    expect((await history.recent("old-job", 10)).map((r) => r.runId)).toEqual(["o-1d"]);
    expect(await history.recent("report-sync", 10)).toEqual([]);
    expect((await history.summaries()).map((summary) => [summary.job, summary.totalRuns])).toEqual([
      ["old-job", 2],
      ["report-sync", 1],
    ]);
  });

  it("works a backlog off in transactions of 100, at most maxBatches per purge", async () => {
    const { history, raw } = freshHistory();
    await history.record(runResultFor({ runId: "newest", startedAt: daysAgo(0) }));
    // 250 old runs written straight to the table (recording each would take far longer and prove nothing more).
    const old = Array.from({ length: 250 }, (_, i) =>
      toRunEntity(runResultFor({ runId: `old-${i}`, startedAt: daysAgo(31, -i * 60_000) })),
    );
    for (let i = 0; i < old.length; i += 100) {
      await raw.submitTransaction(old.slice(i, i + 100).map((row): TransactionAction => ["create", row]));
    }

    const first = await history.purgeBefore(CUTOFF, { maxBatches: 2 });
    const left = (await history.recent("report-sync", 1000)).map((r) => r.runId);
    const second = await history.purgeBefore(CUTOFF, { maxBatches: 2 });

    expect(first).toEqual({ deleted: 200, batches: 2, complete: false });
    // The range read lists due runs from the cutoff back in time: the 50 oldest wait for the next purge.
    expect(left).toEqual(["newest", ...Array.from({ length: 50 }, (_, i) => `old-${200 + i}`)]);
    expect(second).toEqual({ deleted: 50, batches: 1, complete: true });
    expect((await history.recent("report-sync", 1000)).map((r) => r.runId)).toEqual(["newest"]);
  });

  it("lets two instances purge at once: each row deleted once, no error", async () => {
    const tableName = freshTableName();
    const one = freshHistory(tableName);
    const two = freshHistory(tableName);
    await one.history.record(runResultFor({ runId: "keep", startedAt: daysAgo(1) }));
    const old = Array.from({ length: 300 }, (_, i) =>
      toRunEntity(runResultFor({ runId: `old-${i}`, startedAt: daysAgo(45, i) })),
    );
    for (let i = 0; i < old.length; i += 100) {
      await one.raw.submitTransaction(old.slice(i, i + 100).map((row): TransactionAction => ["create", row]));
    }

    const reports = await Promise.all([
      one.history.purgeBefore(CUTOFF, { maxBatches: 10 }),
      two.history.purgeBefore(CUTOFF, { maxBatches: 10 }),
    ]);

    expect(reports.map((r) => r.complete)).toEqual([true, true]);
    expect(reports[0].deleted + reports[1].deleted).toBe(300);
    expect((await one.history.recent("report-sync", 1000)).map((r) => r.runId)).toEqual(["keep"]);
  });

  it("stops, incomplete, when its signal has aborted (the invocation's deadline passed)", async () => {
    const { history } = freshHistory();
    await history.record(runResultFor({ runId: "old", startedAt: daysAgo(90) }));

    const report = await history.purgeBefore(CUTOFF, {
      maxBatches: 10,
      signal: AbortSignal.abort(new Error("the deadline passed")),
    });

    expect(report).toEqual({ deleted: 0, batches: 0, complete: false });
    expect((await history.recent("report-sync", 10)).map((r) => r.runId)).toEqual(["old"]);
  });

  it("names the table, the purge and the fix when Table Storage refuses", async () => {
    const tableName = freshTableName();
    const table = tableClientFor(
      { kind: "connection-string", connectionString: azurite.connectionString },
      tableName,
      { createIfMissing: false },
    );

    await expect(tableRunHistory(table).purgeBefore(CUTOFF, { maxBatches: 1 })).rejects.toMatchObject({
      code: "STATE_REJECTED",
      message:
        `Table Storage rejected a request to table '${tableName}' at ${table.endpoint} while deleting the runs ` +
        `started before 2030-05-02T06:00:00.000Z (HTTP 404 TableNotFound): The table specified does not exist. ` +
        `Check that AzureWebJobsStorage / M2M_STORAGE_CONNECTION points at a general-purpose storage account and ` +
        `that the table was not deleted while the app ran.`,
    });
  });
});
