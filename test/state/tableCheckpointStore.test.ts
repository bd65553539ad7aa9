import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type Azurite } from "../../dev/azurite/startAzurite.js";
import { systemClock } from "../../src/clock/Clock.js";
import { createDeadline } from "../../src/clock/Deadline.js";
import { tableCheckpointStore } from "../../src/state/tableCheckpointStore.js";
import { tableClientFor } from "../../src/state/tableClientFor.js";
import { manualClock } from "../support/manualClock.js";
import { recordingLogger } from "../support/recordingLogger.js";
import { freshTableName } from "./freshTableName.js";

let azurite: Azurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});
afterEach(() => azurite.tableFaults.clear());

/** Several app instances sharing one checkpoint table and one clock; each has its own client. */
function instances(count: number, connectionString = azurite.connectionString) {
  const tableName = freshTableName();
  const time = manualClock(Date.UTC(2030, 0, 1, 10, 0));
  const log = recordingLogger();
  const table = () => tableClientFor({ kind: "connection-string", connectionString }, tableName);
  const stores = Array.from({ length: count }, () =>
    tableCheckpointStore(table(), { clock: time.clock, logger: log.logger }),
  );
  return { stores, table, time, log };
}

describe("tableCheckpointStore", () => {
  it("reads null for a job that has no checkpoint yet", async () => {
    const {
      stores: [store],
    } = instances(1);

    expect(await store!.read("report-sync")).toBeNull();
  });

  it("inserts a first checkpoint and reads it back with its ETag, run and time", async () => {
    const {
      stores: [store],
    } = instances(1);
    const value = {
      since: "2030-01-01T09:00:00.000Z",
      deltaLink: "https://api.example/changes?token=ä€😀",
      page: 3,
    };

    const etag = await store!.write("report-sync", value, { expectedEtag: null, runId: "run-1" });

    expect(await store!.read("report-sync")).toEqual({
      value,
      etag,
      updatedAt: new Date("2030-01-01T10:00:00.000Z"),
      runId: "run-1",
    });
  });

  it("updates the checkpoint on the ETag it was read with, and returns the new ETag", async () => {
    const {
      stores: [store],
      time,
    } = instances(1);
    const first = await store!.write("report-sync", { since: "a" }, { expectedEtag: null, runId: "run-1" });
    time.advance(60_000);

    const second = await store!.write("report-sync", { since: "b" }, { expectedEtag: first, runId: "run-2" });

    expect(second).not.toBe(first);
    expect(await store!.read("report-sync")).toEqual({
      value: { since: "b" },
      etag: second,
      updatedAt: new Date("2030-01-01T10:01:00.000Z"),
      runId: "run-2",
    });
  });

  it("refuses a write on a stale ETag with CHECKPOINT_CONFLICT and keeps the newer checkpoint", async () => {
    const {
      stores: [a, b],
      time,
    } = instances(2);
    const read = await a!.write("report-sync", { since: "a" }, { expectedEtag: null, runId: "run-1" });
    time.advance(60_000);
    await b!.write("report-sync", { since: "b" }, { expectedEtag: read, runId: "run-2" });

    await expect(
      a!.write("report-sync", { since: "c" }, { expectedEtag: read, runId: "run-3" }),
    ).rejects.toMatchObject({
      code: "CHECKPOINT_CONFLICT",
      message:
        "The checkpoint of job 'report-sync' moved since run 'run-3' read it (run 'run-2' wrote it at " +
        "2030-01-01T10:01:00.000Z), so this run's checkpoint was not saved. Two runs of the job worked from the same " +
        "checkpoint — a lease that expired under a long run, or a run outside the lease. The next run starts from " +
        "the checkpoint as it is now, so work this run did since reading it may be done again: keep the job's " +
        "writes idempotent and its lease longer than a run.",
    });
    expect(await a!.read("report-sync")).toMatchObject({ value: { since: "b" }, runId: "run-2" });
  });

  it("refuses an update of a checkpoint deleted since it was read", async () => {
    const {
      stores: [store],
      table,
    } = instances(1);
    const etag = await store!.write("report-sync", { since: "a" }, { expectedEtag: null, runId: "run-1" });
    await (await table().client()).deleteEntity("report-sync", "checkpoint");

    await expect(
      store!.write("report-sync", { since: "b" }, { expectedEtag: etag, runId: "run-2" }),
    ).rejects.toMatchObject({
      code: "CHECKPOINT_CONFLICT",
      message: expect.stringMatching(
        /^The checkpoint of job 'report-sync' moved since run 'run-2' read it \(it was deleted\), so /,
      ) as unknown,
    });
  });

  it("lets exactly one of two runs that found no checkpoint insert the first one", async () => {
    const {
      stores: [a, b],
    } = instances(2);

    const results = await Promise.allSettled([
      a!.write("report-sync", { since: "a" }, { expectedEtag: null, runId: "run-a" }),
      b!.write("report-sync", { since: "b" }, { expectedEtag: null, runId: "run-b" }),
    ]);

    const winner = results[0].status === "fulfilled" ? "run-a" : "run-b";
    const loser = winner === "run-a" ? "run-b" : "run-a";
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({
      reason: {
        code: "CHECKPOINT_CONFLICT",
        message: expect.stringContaining(
          `moved since run '${loser}' read it (run '${winner}' wrote it at 2030-01-01T10:00:00.000Z)`,
        ) as unknown,
      },
    });
    expect(await a!.read("report-sync")).toMatchObject({ runId: winner });
  });

  it("takes a repeated write of the same run and value (a retry whose answer was lost) as written", async () => {
    const {
      stores: [store],
      log,
    } = instances(1);
    const etag = await store!.write("report-sync", { since: "a" }, { expectedEtag: null, runId: "run-1" });

    const again = await store!.write("report-sync", { since: "a" }, { expectedEtag: null, runId: "run-1" });

    expect(again).toBe(etag);
    expect(log.entries).toEqual([
      {
        level: "info",
        message: "Checkpoint write was already applied; its first answer was lost",
        properties: { job: "report-sync", runId: "run-1" },
      },
    ]);
  });

  it("matches job names case-insensitively", async () => {
    const {
      stores: [store],
    } = instances(1);
    await store!.write("Report-Sync", 42, { expectedEtag: null, runId: "run-1" });

    expect(await store!.read("report-sync")).toMatchObject({ value: 42 });
  });

  it("keeps a checkpoint of exactly 32 KiB of JSON", async () => {
    const {
      stores: [store],
    } = instances(1);
    const value = "x".repeat(32 * 1024 - 2); // with its quotes: 32,768 bytes

    await store!.write("report-sync", value, { expectedEtag: null, runId: "run-1" });

    expect(await store!.read("report-sync")).toMatchObject({ value });
  });

  it("refuses a checkpoint over 32 KiB of UTF-8 JSON, naming its size and the limit", async () => {
    const {
      stores: [store],
    } = instances(1);

    await expect(
      store!.write("report-sync", "€".repeat(11_000), { expectedEtag: null, runId: "run-1" }),
    ).rejects.toMatchObject({
      code: "CHECKPOINT_TOO_LARGE",
      message:
        "The checkpoint of job 'report-sync' is 33002 bytes of JSON (UTF-8); at most 32768 bytes (32 KiB) fit. " +
        "Keep a cursor in it (a timestamp, a delta link, the last id), not the data itself.",
    });
    expect(await store!.read("report-sync")).toBeNull();
  });

  it("refuses a checkpoint JSON would not read back unchanged, without writing it", async () => {
    const {
      stores: [store],
    } = instances(1);

    await expect(
      store!.write("report-sync", { since: "a", skip: Number.NaN }, { expectedEtag: null, runId: "run-1" }),
    ).rejects.toMatchObject({
      code: "CHECKPOINT_INVALID",
      message:
        "The checkpoint of job 'report-sync' cannot be stored: it holds NaN, which JSON does not read back as it " +
        "was written. A checkpoint is JSON data — null, booleans, finite numbers, strings, arrays and plain " +
        "objects; keep a Date as its toISOString() and a BigInt as a string.",
    });
    expect(await store!.read("report-sync")).toBeNull();
  });

  it("says a stored checkpoint that is not JSON is unreadable, with its size but not its content", async () => {
    const {
      stores: [store],
      table,
    } = instances(1);
    await (
      await table().client()
    ).createEntity({
      partitionKey: "report-sync",
      rowKey: "checkpoint",
      json: "{secret",
      runId: "run-1",
    });

    const error: unknown = await store!.read("report-sync").catch((e: unknown) => e);

    expect(error).toMatchObject({ code: "CHECKPOINT_UNREADABLE" });
    expect((error as Error).message).toMatch(
      /^The checkpoint of job 'report-sync' in table 't\w+' at http:\/\/127\.0\.0\.1:\d+\/\w+ is not JSON \(7 bytes; written by run 'run-1'\)\. Fix or delete the row \(PartitionKey 'report-sync', RowKey 'checkpoint'\): deleting it starts the job from no checkpoint\.$/,
    );
  });

  it("refuses a job name Table Storage cannot key", async () => {
    const {
      stores: [store],
    } = instances(1);
    await expect(store!.read("report/sync")).rejects.toMatchObject({ code: "STATE_INVALID_KEY" });
  });

  it("ends a read and a write that hang at the deadline with TIMED_OUT naming Table Storage", async () => {
    const {
      stores: [store],
    } = instances(1, azurite.faultyConnectionString);
    const etag = await store!.write("report-sync", { since: "a" }, { expectedEtag: null, runId: "run-1" });
    azurite.tableFaults.enqueue({ kind: "hang" }, { kind: "hang" });
    const deadline = () => createDeadline({ budgetMs: 400, clock: systemClock });
    const timedOut = {
      code: "TIMED_OUT",
      edge: "Table Storage",
      message: expect.stringMatching(/^Table Storage did not answer within 0\.4 s: /) as unknown,
    };

    await expect(store!.read("report-sync", { deadline: deadline() })).rejects.toMatchObject(timedOut);
    await expect(
      store!.write(
        "report-sync",
        { since: "b" },
        { expectedEtag: etag, runId: "run-2" },
        { deadline: deadline() },
      ),
    ).rejects.toMatchObject(timedOut);
    expect(await store!.read("report-sync")).toMatchObject({ value: { since: "a" }, etag });
  });
});
