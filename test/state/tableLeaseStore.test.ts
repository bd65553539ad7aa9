import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type Azurite } from "../../dev/azurite/startAzurite.js";
import type { LeaseStore } from "../../src/state/LeaseStore.js";
import { tableClientFor } from "../../src/state/tableClientFor.js";
import { tableLeaseStore } from "../../src/state/tableLeaseStore.js";
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

const TTL_MS = 60_000;

/** Several app instances sharing one lease table and one clock; each has its own client and logger. */
function instances(count: number) {
  const tableName = freshTableName();
  const time = manualClock(Date.UTC(2030, 0, 1, 10, 0));
  const log = recordingLogger();
  const stores: LeaseStore[] = Array.from({ length: count }, () =>
    tableLeaseStore(
      tableClientFor({ kind: "connection-string", connectionString: azurite.connectionString }, tableName),
      { clock: time.clock, logger: log.logger },
    ),
  );
  return { stores, time, log };
}

async function acquiredLease(store: LeaseStore, key: string, owner: string, ttlMs = TTL_MS) {
  const result = await store.acquire(key, owner, ttlMs);
  if (!result.acquired) throw new Error(`expected ${owner} to acquire ${key}; held by ${result.heldBy}`);
  return result.lease;
}

describe("tableLeaseStore", () => {
  it("gives a free lease to the first owner for the TTL", async () => {
    const {
      stores: [store],
    } = instances(1);

    const result = await store!.acquire("job-report-sync", "instance-a/run-1", TTL_MS);

    expect(result).toMatchObject({
      acquired: true,
      lease: {
        key: "job-report-sync",
        owner: "instance-a/run-1",
        acquiredAt: new Date("2030-01-01T10:00:00.000Z"),
        expiresAt: new Date("2030-01-01T10:01:00.000Z"),
      },
    });
  });

  it("tells a second owner who holds the lease and until when", async () => {
    const {
      stores: [a, b],
      time,
    } = instances(2);
    await acquiredLease(a!, "job-x", "instance-a/run-1");
    time.advance(TTL_MS - 1);

    expect(await b!.acquire("job-x", "instance-b/run-2", TTL_MS)).toEqual({
      acquired: false,
      heldBy: "instance-a/run-1",
      expiresAt: new Date("2030-01-01T10:01:00.000Z"),
    });
  });

  it("gives the lease to exactly one of five owners asking at once", async () => {
    const { stores } = instances(5);

    const results = await Promise.all(stores.map((store, i) => store.acquire("job-x", `owner-${i}`, TTL_MS)));

    const winners = results.flatMap((r) => (r.acquired ? [r.lease.owner] : []));
    expect(winners).toHaveLength(1);
    for (const r of results) {
      if (!r.acquired) expect(r.heldBy).toBe(winners[0]);
    }
  });

  it("lets another owner take over an expired lease", async () => {
    const {
      stores: [a, b],
      time,
      log,
    } = instances(2);
    await acquiredLease(a!, "job-x", "instance-a/run-1");
    time.advance(TTL_MS);

    const result = await b!.acquire("job-x", "instance-b/run-2", TTL_MS);

    expect(result).toMatchObject({
      acquired: true,
      lease: { owner: "instance-b/run-2", expiresAt: new Date("2030-01-01T10:02:00.000Z") },
    });
    expect(log.entries).toContainEqual({
      level: "info",
      message: "Took over an expired lease",
      properties: {
        key: "job-x",
        owner: "instance-b/run-2",
        previousOwner: "instance-a/run-1",
        expiredAt: "2030-01-01T10:01:00.000Z",
      },
    });
  });

  it("gives an expired lease to exactly one of two instances taking it over at once", async () => {
    for (let round = 0; round < 5; round++) {
      const {
        stores: [a, b, c],
        time,
      } = instances(3);
      await acquiredLease(a!, "job-x", "crashed");
      time.advance(TTL_MS + 1);

      const results = await Promise.all([b!.acquire("job-x", "b", TTL_MS), c!.acquire("job-x", "c", TTL_MS)]);

      const winners = results.flatMap((r) => (r.acquired ? [r.lease.owner] : []));
      expect(winners).toHaveLength(1);
      expect(results.find((r) => !r.acquired)).toMatchObject({ acquired: false, heldBy: winners[0] });
    }
  });

  it("lets the next owner in once the holder releases", async () => {
    const {
      stores: [a, b],
    } = instances(2);
    const lease = await acquiredLease(a!, "job-x", "a");

    await a!.release(lease);

    expect(await b!.acquire("job-x", "b", TTL_MS)).toMatchObject({ acquired: true, lease: { owner: "b" } });
  });

  it("does not delete the new holder's lease when the old holder releases late", async () => {
    const {
      stores: [a, b, c],
      time,
      log,
    } = instances(3);
    const stale = await acquiredLease(a!, "job-x", "a");
    time.advance(TTL_MS + 1);
    const current = await acquiredLease(b!, "job-x", "b");

    await a!.release(stale);

    expect(await c!.acquire("job-x", "c", TTL_MS)).toEqual({
      acquired: false,
      heldBy: "b",
      expiresAt: current.expiresAt,
    });
    expect(log.entries.filter((e) => e.level !== "info")).toEqual([]);
    expect(log.entries).toContainEqual({
      level: "info",
      message: "Lease was already taken over or released; left as it is",
      properties: { key: "job-x", owner: "a" },
    });
  });

  it("releasing twice is harmless", async () => {
    const {
      stores: [a],
    } = instances(1);
    const lease = await acquiredLease(a!, "job-x", "a");
    await a!.release(lease);
    await expect(a!.release(lease)).resolves.toBeUndefined();
  });

  it("renews a held lease from now, and refuses once it was taken over", async () => {
    const {
      stores: [a, b],
      time,
    } = instances(2);
    const lease = await acquiredLease(a!, "job-x", "a");
    time.advance(30_000);

    const renewed = await a!.renew(lease, TTL_MS);
    time.advance(TTL_MS - 1);

    expect(renewed.expiresAt).toEqual(new Date("2030-01-01T10:01:30.000Z"));
    expect(await b!.acquire("job-x", "b", TTL_MS)).toMatchObject({ acquired: false, heldBy: "a" });
    // The lease object from before the renewal carries an old ETag: it no longer works.
    await expect(a!.renew(lease, TTL_MS)).rejects.toMatchObject({ code: "LEASE_LOST" });

    time.advance(2);
    await acquiredLease(b!, "job-x", "b");
    await expect(a!.renew(renewed, TTL_MS)).rejects.toMatchObject({
      code: "LEASE_LOST",
      message:
        "Lease 'job-x' is no longer held by 'a': it expired and another instance took it over, or it was released. " +
        "Stop the work it guarded; give the lease a TTL longer than that work.",
    });
  });

  it("keeps leases of different keys apart", async () => {
    const {
      stores: [a, b],
    } = instances(2);
    await acquiredLease(a!, "job-x", "a");
    expect(await b!.acquire("job-y", "b", TTL_MS)).toMatchObject({ acquired: true });
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])("refuses a TTL of %s ms", async (ttlMs) => {
    const {
      stores: [a],
    } = instances(1);
    await expect(a!.acquire("job-x", "a", ttlMs)).rejects.toMatchObject({
      code: "LEASE_TTL_INVALID",
      message: `A lease TTL must be a positive number of milliseconds; got ${ttlMs}.`,
    });
  });

  it("refuses a key Table Storage cannot store", async () => {
    const {
      stores: [a],
    } = instances(1);
    await expect(a!.acquire("job/x", "a", TTL_MS)).rejects.toMatchObject({ code: "STATE_INVALID_KEY" });
  });
});
