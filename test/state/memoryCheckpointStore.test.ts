import { describe, expect, it } from "vitest";
import { M2mError } from "../../src/errors.js";
import { memoryCheckpointStore } from "../../src/state/memoryCheckpointStore.js";

const AT = new Date("2030-01-02T03:04:05.000Z");
const LATER = new Date("2030-01-02T03:09:05.000Z");

/** A clock that gives each time in turn. */
function clockOf(...times: Date[]): () => Date {
  return () => times.shift() ?? LATER;
}

async function rejection(write: Promise<unknown>): Promise<M2mError> {
  const error: unknown = await write.then(
    () => {
      throw new Error("expected the write to be refused");
    },
    (refused: unknown) => refused,
  );
  if (error instanceof M2mError) return error;
  throw error;
}

describe("memoryCheckpointStore: reading and writing", () => {
  it("has no checkpoint for a job before its first write", async () => {
    expect(await memoryCheckpointStore(clockOf(AT)).read("sync-changes")).toBeNull();
  });

  it("creates a job's first checkpoint on no ETag, and reads it back with who wrote it and when", async () => {
    const store = memoryCheckpointStore(clockOf(AT));
    const etag = await store.write("sync-changes", { since: "a" }, { expectedEtag: null, runId: "run-1" });
    expect(etag).toBe('W/"1"');
    expect(await store.read("sync-changes")).toStrictEqual({
      value: { since: "a" },
      etag: 'W/"1"',
      updatedAt: AT,
      runId: "run-1",
    });
  });

  it("replaces a checkpoint on the ETag it was read with, giving a new ETag", async () => {
    const store = memoryCheckpointStore(clockOf(AT, LATER));
    const first = await store.write("sync-changes", { since: "a" }, { expectedEtag: null, runId: "run-1" });
    const second = await store.write("sync-changes", { since: "b" }, { expectedEtag: first, runId: "run-2" });
    expect(second).toBe('W/"2"');
    expect(await store.read("sync-changes")).toStrictEqual({
      value: { since: "b" },
      etag: 'W/"2"',
      updatedAt: LATER,
      runId: "run-2",
    });
  });

  it("keeps each job's checkpoint apart, with ETags never given twice", async () => {
    const store = memoryCheckpointStore(clockOf(AT, LATER));
    await store.write("sync-changes", 1, { expectedEtag: null, runId: "run-1" });
    expect(await store.write("report-sync", 2, { expectedEtag: null, runId: "run-2" })).toBe('W/"2"');
    expect(await store.read("sync-changes")).toMatchObject({ value: 1, etag: 'W/"1"' });
    expect(await store.read("report-sync")).toMatchObject({ value: 2, etag: 'W/"2"' });
  });

  it("matches job names regardless of case", async () => {
    const store = memoryCheckpointStore(clockOf(AT));
    const etag = await store.write("Sync-Changes", "a", { expectedEtag: null, runId: "run-1" });
    expect(await store.read("sync-changes")).toMatchObject({ value: "a", etag });
    await store.write("SYNC-CHANGES", "b", { expectedEtag: etag, runId: "run-2" });
    expect(await store.read("sync-changes")).toMatchObject({ value: "b" });
  });

  it("keeps the value as written, not the object the job may change later", async () => {
    const store = memoryCheckpointStore(clockOf(AT));
    const value = { since: "a" };
    await store.write("sync-changes", value, { expectedEtag: null, runId: "run-1" });
    value.since = "changed";
    expect(store.writes[0]?.value).toStrictEqual({ since: "a" });
    const read = await store.read("sync-changes");
    expect(read?.value).toStrictEqual({ since: "a" });
    (read?.value as { since: string }).since = "changed by a reader";
    expect((await store.read("sync-changes"))?.value).toStrictEqual({ since: "a" });
  });

  it("stamps a write with the time now when no clock is given", async () => {
    const store = memoryCheckpointStore();
    await store.write("sync-changes", "a", { expectedEtag: null, runId: "run-1" });
    expect((await store.read("sync-changes"))?.updatedAt).toBeInstanceOf(Date);
  });
});

describe("memoryCheckpointStore: conditional writes", () => {
  const CONFLICT =
    "The checkpoint of job 'sync-changes' moved since run 'run-2' read it, so this run's checkpoint was not saved.";

  it("refuses to create a checkpoint that another run created meanwhile", async () => {
    const store = memoryCheckpointStore(clockOf(AT));
    await store.write("sync-changes", "a", { expectedEtag: null, runId: "run-1" });
    const error = await rejection(store.write("sync-changes", "b", { expectedEtag: null, runId: "run-2" }));
    expect(error.code).toBe("CHECKPOINT_CONFLICT");
    expect(error.message).toBe(CONFLICT);
    expect(await store.read("sync-changes")).toMatchObject({ value: "a", runId: "run-1" });
  });

  it("refuses to replace a checkpoint another run moved since it was read", async () => {
    const store = memoryCheckpointStore(clockOf(AT, LATER));
    const read = await store.write("sync-changes", "a", { expectedEtag: null, runId: "run-1" });
    await store.write("sync-changes", "b", { expectedEtag: read, runId: "run-3" });
    const error = await rejection(store.write("sync-changes", "c", { expectedEtag: read, runId: "run-2" }));
    expect(error.code).toBe("CHECKPOINT_CONFLICT");
    expect(error.message).toBe(CONFLICT);
    expect(await store.read("sync-changes")).toMatchObject({ value: "b", runId: "run-3" });
  });

  it("refuses to replace a checkpoint that is not there", async () => {
    const store = memoryCheckpointStore(clockOf(AT));
    const error = await rejection(
      store.write("sync-changes", "a", { expectedEtag: 'W/"1"', runId: "run-2" }),
    );
    expect(error.code).toBe("CHECKPOINT_CONFLICT");
    expect(await store.read("sync-changes")).toBeNull();
  });
});

describe("memoryCheckpointStore: checkpointJson's checks", () => {
  it("refuses a value JSON does not read back, as a rejection, writing nothing", async () => {
    const store = memoryCheckpointStore(clockOf(AT));
    const error = await rejection(
      store.write("sync-changes", { at: new Date(0) }, { expectedEtag: null, runId: "run-1" }),
    );
    expect(error.code).toBe("CHECKPOINT_INVALID");
    expect(await store.read("sync-changes")).toBeNull();
    expect(store.writes).toStrictEqual([]);
  });

  it("refuses more than 32 KiB of JSON", async () => {
    const store = memoryCheckpointStore(clockOf(AT));
    const error = await rejection(
      store.write("sync-changes", "x".repeat(32 * 1024), { expectedEtag: null, runId: "run-1" }),
    );
    expect(error.code).toBe("CHECKPOINT_TOO_LARGE");
  });
});

describe("memoryCheckpointStore: writes", () => {
  it("lists every value written, oldest first, as JSON reads it back, with the job as named and the run", async () => {
    const store = memoryCheckpointStore(clockOf(AT, LATER));
    expect(store.writes).toStrictEqual([]);
    const first = await store.write("Sync-Changes", { since: "a" }, { expectedEtag: null, runId: "run-1" });
    await rejection(store.write("sync-changes", "lost", { expectedEtag: null, runId: "run-2" }));
    await store.write("sync-changes", [1, 2], { expectedEtag: first, runId: "run-3" });
    expect(store.writes).toStrictEqual([
      { job: "Sync-Changes", value: { since: "a" }, runId: "run-1" },
      { job: "sync-changes", value: [1, 2], runId: "run-3" },
    ]);
  });
});
