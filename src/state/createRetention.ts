import type { Clock } from "../clock/Clock.js";
import type { Logger } from "../logging/Logger.js";
import { retentionCutoff } from "./retentionPlan.js";
import type { PurgeReport, RowPurge } from "./RowPurge.js";

/**
 * Transactions of 100 deletes each store may submit per purge: 10,000 rows. With the daily certificate check that
 * keeps up with 10,000 runs a day (a job every 10 s); a larger backlog — the first purge after an upgrade — is worked
 * off over several checks instead of taking one check's time (about 100 ms a transaction against Azure).
 */
export const DEFAULT_MAX_BATCHES_PER_STORE = 100;

/** One store's part of a purge: what it did, or why it failed (rows it deleted before failing are not counted). */
export type StorePurgeOutcome =
  { store: string; purged: PurgeReport; error: null } | { store: string; purged: null; error: string };

export interface RetentionReport {
  /** Rows older than this were due (ISO 8601). */
  cutoff: string;
  stores: StorePurgeOutcome[];
}

/** Deletes what the app keeps no longer than M2M_RETENTION_DAYS. */
export interface Retention {
  /**
   * Deletes each store's rows older than the retention period, a bounded number of transactions per store. Never
   * throws: a store that cannot be purged is logged and reported, and the others are still purged.
   */
  purge(logger: Logger, options?: { signal?: AbortSignal }): Promise<RetentionReport>;
}

/** Retention over the given stores (run history, alert deliveries), one after the other. */
export function createRetention(deps: {
  retentionDays: number;
  stores: readonly { name: string; rows: RowPurge }[];
  clock: Clock;
  maxBatchesPerStore?: number;
}): Retention {
  const maxBatches = deps.maxBatchesPerStore ?? DEFAULT_MAX_BATCHES_PER_STORE;
  return {
    async purge(logger, options = {}) {
      const cutoff = retentionCutoff(deps.clock(), deps.retentionDays);
      const report: RetentionReport = { cutoff: cutoff.toISOString(), stores: [] };
      for (const { name, rows } of deps.stores) {
        const facts = { store: name, cutoff: report.cutoff, retentionDays: deps.retentionDays };
        try {
          const done = await rows.purgeBefore(cutoff, {
            maxBatches,
            ...(options.signal ? { signal: options.signal } : {}),
          });
          report.stores.push({ store: name, purged: done, error: null });
          if (done.complete) logger.info("Old rows deleted", { ...facts, ...done });
          else {
            logger.warn(
              "Old rows remain (this purge's budget or time ran out); the next check deletes more",
              {
                ...facts,
                ...done,
                maxBatches,
              },
            );
          }
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          report.stores.push({ store: name, purged: null, error: message });
          logger.error("Old rows could not be deleted; the next check tries again", {
            ...facts,
            error: message,
          });
        }
      }
      return report;
    },
  };
}
