import type { TableClient } from "@azure/data-tables";
import type { Clock } from "../clock/Clock.js";
import type { Deadline } from "../clock/Deadline.js";
import { M2mError, TransientError } from "../errors.js";
import { silentLogger, type Logger } from "../logging/Logger.js";
import { boundStorage } from "./boundStorage.js";
import type { Lease, LeaseAcquisition, LeaseStore } from "./LeaseStore.js";
import { entityFields } from "./entityFields.js";
import type { StateTable } from "./StateTable.js";
import { stateError } from "./stateError.js";
import { storageStatus } from "./storageStatus.js";
import { tableKey } from "./tableKey.js";

/** The table the app keeps leases in. */
export const LEASE_TABLE = "m2mLeases";
/** Every lease is one row: PartitionKey = the lease key, RowKey = this. */
const LEASE_ROW = "lease";
/** Rounds of create → read → take over before giving up (each round means the row changed under us). */
const MAX_ROUNDS = 5;

/**
 * Leases in Azure Table Storage, one row per key holding `owner`, `acquiredAt` and `expiresAt` (ISO 8601).
 * Every write is conditional — create (fails if present) or replace/delete with the ETag last seen — so two
 * instances can never both believe they hold it. Expiry is judged by the injected clock: instances' clocks must
 * agree to well within the TTL. With a `deadline`, every request (and the SDK's retries) ends by it: TIMED_OUT naming
 * Table Storage.
 */
export function tableLeaseStore(table: StateTable, deps: { clock: Clock; logger?: Logger }): LeaseStore {
  const { clock } = deps;
  const logger = deps.logger ?? silentLogger;
  const fail = (error: unknown, action: string) =>
    stateError(error, { table: table.tableName, endpoint: table.endpoint, action });

  async function read(
    client: TableClient,
    key: string,
    deadline: Deadline | undefined,
  ): Promise<Lease | null> {
    try {
      const entity = await boundStorage(deadline, (abortSignal) =>
        client.getEntity(key, LEASE_ROW, { abortSignal }),
      );
      const f = entityFields(entity);
      return {
        key,
        owner: f.string("owner") ?? "",
        acquiredAt: new Date(f.string("acquiredAt") ?? 0),
        // An unreadable expiry counts as expired, so a damaged row cannot block the key forever.
        expiresAt: new Date(f.string("expiresAt") ?? 0),
        etag: entity.etag,
      };
    } catch (error) {
      if (storageStatus(error) === 404) return null;
      throw fail(error, `reading lease '${key}'`);
    }
  }

  function row(key: string, owner: string, acquiredAt: Date, expiresAt: Date) {
    return {
      partitionKey: key,
      rowKey: LEASE_ROW,
      owner,
      acquiredAt: acquiredAt.toISOString(),
      expiresAt: expiresAt.toISOString(),
    };
  }

  return {
    async acquire(key, owner, ttlMs, { deadline } = {}): Promise<LeaseAcquisition> {
      tableKey(key, "lease key");
      checkTtl(ttlMs);
      const client = await table.client(deadline);
      const action = `acquiring lease '${key}' for '${owner}'`;
      for (let round = 1; round <= MAX_ROUNDS; round++) {
        const now = clock();
        const expiresAt = new Date(now.getTime() + ttlMs);
        try {
          const created = await boundStorage(deadline, (abortSignal) =>
            client.createEntity(row(key, owner, now, expiresAt), { abortSignal }),
          );
          return { acquired: true, lease: { key, owner, acquiredAt: now, expiresAt, etag: etagOf(created) } };
        } catch (error) {
          if (storageStatus(error) !== 409) throw fail(error, action);
        }

        const current = await read(client, key, deadline);
        if (!current) continue; // released in between: try to create it again
        if (current.expiresAt.getTime() > clock().getTime()) {
          // Our own create that succeeded although its answer was lost (the SDK retried and got 409).
          if (current.owner === owner) return { acquired: true, lease: current };
          return { acquired: false, heldBy: current.owner, expiresAt: current.expiresAt };
        }

        // Expired: take it over, on condition that nobody else has since.
        try {
          const replaced = await boundStorage(deadline, (abortSignal) =>
            client.updateEntity(row(key, owner, now, expiresAt), "Replace", {
              etag: current.etag,
              abortSignal,
            }),
          );
          logger.info("Took over an expired lease", {
            key,
            owner,
            previousOwner: current.owner,
            expiredAt: current.expiresAt.toISOString(),
          });
          return {
            acquired: true,
            lease: { key, owner, acquiredAt: now, expiresAt, etag: etagOf(replaced) },
          };
        } catch (error) {
          const status = storageStatus(error);
          if (status !== 412 && status !== 404) throw fail(error, action);
        }
        // Another instance took it over first: it holds the lease now.
        const winner = await read(client, key, deadline);
        if (winner) return { acquired: false, heldBy: winner.owner, expiresAt: winner.expiresAt };
      }
      throw new TransientError(
        "STATE_CONTENDED",
        `Lease '${key}' in table '${table.tableName}' at ${table.endpoint} changed under every one of ` +
          `${MAX_ROUNDS} attempts while ${action}; retry later.`,
      );
    },

    async renew(lease, ttlMs, { deadline } = {}): Promise<Lease> {
      checkTtl(ttlMs);
      const client = await table.client(deadline);
      const expiresAt = new Date(clock().getTime() + ttlMs);
      try {
        const replaced = await boundStorage(deadline, (abortSignal) =>
          client.updateEntity(row(lease.key, lease.owner, lease.acquiredAt, expiresAt), "Replace", {
            etag: lease.etag,
            abortSignal,
          }),
        );
        return { ...lease, expiresAt, etag: etagOf(replaced) };
      } catch (error) {
        const status = storageStatus(error);
        if (status === 412 || status === 404) {
          throw new M2mError(
            "LEASE_LOST",
            `Lease '${lease.key}' is no longer held by '${lease.owner}': it expired and another instance took it ` +
              `over, or it was released. Stop the work it guarded; give the lease a TTL longer than that work.`,
            { cause: error },
          );
        }
        throw fail(error, `renewing lease '${lease.key}' for '${lease.owner}'`);
      }
    },

    async release(lease, { deadline } = {}): Promise<void> {
      const client = await table.client(deadline);
      try {
        await boundStorage(deadline, (abortSignal) =>
          client.deleteEntity(lease.key, LEASE_ROW, { etag: lease.etag, abortSignal }),
        );
      } catch (error) {
        const status = storageStatus(error);
        if (status === 412 || status === 404) {
          // Expected after a takeover or a second release: the row is someone else's now, or nobody's.
          logger.info("Lease was already taken over or released; left as it is", {
            key: lease.key,
            owner: lease.owner,
          });
          return;
        }
        throw fail(error, `releasing lease '${lease.key}' for '${lease.owner}'`);
      }
    },
  };
}

function checkTtl(ttlMs: number): void {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new M2mError(
      "LEASE_TTL_INVALID",
      `A lease TTL must be a positive number of milliseconds; got ${ttlMs}.`,
    );
  }
}

function etagOf(response: { etag?: string }): string {
  if (!response.etag) {
    throw new M2mError(
      "STATE_REJECTED",
      "Table Storage answered a write without an ETag; the lease cannot be used.",
    );
  }
  return response.etag;
}
