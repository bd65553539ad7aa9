import { describe, expect, it } from "vitest";
import { M2mError } from "../../src/errors.js";
import { holdLease } from "../../src/state/holdLease.js";
import type { Lease, LeaseStore } from "../../src/state/LeaseStore.js";
import { manualClock } from "../support/manualClock.js";
import { recordingLogger } from "../support/recordingLogger.js";

const TTL_MS = 60_000;

/** A lease store that records renewals and releases, and fails renewals as told. */
function leaseStore(clock: () => Date) {
  const calls: string[] = [];
  let etag = 0;
  let failNext: Error | null = null;
  let gate: Promise<void> | null = null;
  const store: LeaseStore = {
    acquire: () => Promise.reject(new Error("not used")),
    async renew(lease, ttlMs) {
      calls.push(`renew ${lease.etag}`);
      if (gate) await gate;
      if (failNext) {
        const error = failNext;
        failNext = null;
        throw error;
      }
      return { ...lease, expiresAt: new Date(clock().getTime() + ttlMs), etag: `e${++etag}` };
    },
    release(lease) {
      calls.push(`release ${lease.etag}`);
      return Promise.resolve();
    },
  };
  return {
    store,
    calls,
    failNextRenewal: (error: Error) => (failNext = error),
    holdRenewals: () => {
      let open!: () => void;
      gate = new Promise((resolve) => (open = resolve));
      return () => {
        gate = null;
        open();
      };
    },
  };
}

function held(options: { heartbeat?: boolean } = {}) {
  const time = manualClock(Date.UTC(2030, 0, 1, 10, 0));
  const leases = leaseStore(time.clock);
  const lease: Lease = {
    key: "rotation-app",
    owner: "a",
    acquiredAt: time.clock(),
    expiresAt: new Date(time.clock().getTime() + TTL_MS),
    etag: "e0",
  };
  const beats: (() => void)[] = [];
  const log = recordingLogger();
  const holder = holdLease({
    leases: leases.store,
    lease,
    ttlMs: TTL_MS,
    clock: time.clock,
    logger: log.logger,
    wait: (_ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (options.heartbeat) beats.push(resolve);
        signal.addEventListener("abort", () => reject(new Error("released")), { once: true });
      }),
  });
  /** Lets the heartbeat renew once, and waits until it has. */
  const beat = async () => {
    beats.shift()!();
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  return { time, leases, holder, beat, log };
}

const lost = () => new M2mError("LEASE_LOST", "Lease 'rotation-app' is no longer held by 'a'.");

describe("holdLease", () => {
  it("renews between steps only once half the lease is gone, and releases with the last ETag", async () => {
    const { time, leases, holder } = held();
    time.advance(TTL_MS / 2 - 1);
    await holder.keep();
    expect(leases.calls).toEqual([]);
    time.advance(2);
    await holder.keep();
    await holder.release();
    expect(leases.calls).toEqual(["renew e0", "release e1"]);
  });

  it("renews on every heartbeat while the holder works", async () => {
    const { leases, holder, beat } = held({ heartbeat: true });
    await beat();
    await beat();
    await holder.release();
    expect(leases.calls).toEqual(["renew e0", "renew e1", "release e2"]);
  });

  it("stops the holder at its next step once a heartbeat found the lease taken over", async () => {
    const { leases, holder, beat } = held({ heartbeat: true });
    const error = lost();
    leases.failNextRenewal(error);
    await beat();
    await expect(holder.keep()).rejects.toBe(error);
  });

  it("goes on after a renewal storage could not answer while the lease is still valid, not once it has expired", async () => {
    const { time, leases, holder, beat, log } = held({ heartbeat: true });
    leases.failNextRenewal(new Error("Table Storage did not answer"));
    await beat();
    expect(log.entries).toMatchObject([
      { level: "warn", message: "Could not renew a lease; trying again on the next heartbeat" },
    ]);

    time.advance(TTL_MS / 2 + 1);
    leases.failNextRenewal(new Error("Table Storage did not answer"));
    await holder.keep();

    time.advance(TTL_MS);
    leases.failNextRenewal(new Error("Table Storage did not answer"));
    await expect(holder.keep()).rejects.toThrow("Table Storage did not answer");
  });

  it("never renews twice at once: a step waits for the heartbeat's renewal instead of racing it on one ETag", async () => {
    const { time, leases, holder, beat } = held({ heartbeat: true });
    const open = leases.holdRenewals();
    const beating = beat();
    time.advance(TTL_MS);
    const keeping = holder.keep();
    open();
    await Promise.all([beating, keeping]);
    expect(leases.calls).toEqual(["renew e0"]);
  });
});
