import type { Clock } from "../clock/Clock.js";
import { sleep } from "../clock/sleep.js";
import { M2mError } from "../errors.js";
import type { Logger } from "../logging/Logger.js";
import type { Lease, LeaseStore } from "./LeaseStore.js";

/** A lease kept alive while its holder works. */
export interface HeldLease {
  /**
   * Call before each step that changes something: throws LEASE_LOST when another owner took the lease over (the
   * holder must stop), and renews it first when less than half its time is left (a heartbeat that could not run —
   * a frozen process — is caught up here). A renewal that fails for another reason throws only once the lease has
   * expired.
   */
  keep(): Promise<void>;
  /** Stops renewing and gives the lease up (with the ETag of its last renewal). */
  release(): Promise<void>;
}

const isLeaseLost = (error: unknown): error is M2mError =>
  error instanceof M2mError && error.code === "LEASE_LOST";

/**
 * Keeps `lease` for as long as its holder works, so the lease outlives the work it guards however long a step
 * takes: a heartbeat renews it every third of its TTL (waiting on `wait`, a parameter so tests decide when), and
 * `keep()` checks it between steps. A crashed holder stops renewing, and the lease expires one TTL later.
 * Renewals never overlap: two renewals on one ETag would make the second look like a takeover.
 */
export function holdLease(deps: {
  leases: LeaseStore;
  lease: Lease;
  ttlMs: number;
  clock: Clock;
  logger: Logger;
  /** Waits between heartbeats; rejects when the signal aborts. Default: a real timer. */
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
}): HeldLease {
  const { leases, ttlMs, clock, logger } = deps;
  const wait = deps.wait ?? sleep;
  let lease = deps.lease;
  let lost: Error | null = null;
  let renewing: Promise<void> | null = null;
  const stop = new AbortController();

  const renew = (): Promise<void> => {
    renewing ??= leases
      .renew(lease, ttlMs)
      .then(
        (renewed) => {
          lease = renewed;
        },
        (error: unknown) => {
          if (isLeaseLost(error)) lost = error;
          throw error;
        },
      )
      .finally(() => {
        renewing = null;
      });
    return renewing;
  };

  void (async () => {
    while (!stop.signal.aborted && lost === null) {
      try {
        await wait(ttlMs / 3, stop.signal);
      } catch {
        return; // released
      }
      if (stop.signal.aborted) return;
      try {
        await renew();
      } catch (error) {
        // A lost lease is reported by the next keep(); a storage hiccup is retried on the next beat.
        if (!isLeaseLost(error)) {
          logger.warn("Could not renew a lease; trying again on the next heartbeat", {
            key: lease.key,
            owner: lease.owner,
            expiresAt: lease.expiresAt.toISOString(),
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
    }
  })();

  return {
    async keep() {
      if (renewing) await renewing.catch(() => undefined);
      if (lost !== null) throw lost;
      const leftMs = lease.expiresAt.getTime() - clock().getTime();
      if (leftMs >= ttlMs / 2) return;
      try {
        await renew();
      } catch (error) {
        // Storage did not answer, but the lease is still ours for a while: go on, the heartbeat tries again.
        if (isLeaseLost(error) || leftMs <= 0) throw error;
      }
    },
    async release() {
      // The heartbeat stops at its next wake-up; a renewal already under way finishes first (its ETag is the one).
      stop.abort();
      if (renewing) await renewing.catch(() => undefined);
      await leases.release(lease);
    },
  };
}
