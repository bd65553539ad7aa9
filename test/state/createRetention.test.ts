import { describe, expect, it } from "vitest";
import { createRetention, DEFAULT_MAX_BATCHES_PER_STORE } from "../../src/state/createRetention.js";
import type { PurgeOptions, PurgeReport, RowPurge } from "../../src/state/RowPurge.js";
import { manualClock } from "../support/manualClock.js";
import { recordingLogger } from "../support/recordingLogger.js";

const NOW = Date.UTC(2030, 5, 1, 6, 0);

/** A store that records what it was asked and answers `outcome`. */
function fakeStore(outcome: PurgeReport | Error) {
  const calls: { cutoff: string; options: PurgeOptions }[] = [];
  const rows: RowPurge = {
    purgeBefore(cutoff, options) {
      calls.push({ cutoff: cutoff.toISOString(), options });
      return outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(outcome);
    },
  };
  return { rows, calls };
}

describe("createRetention", () => {
  it("asks each store, in turn, for its rows older than the retention period, with a bounded budget", async () => {
    const runs = fakeStore({ deleted: 120, batches: 2, complete: true });
    const alerts = fakeStore({ deleted: 0, batches: 0, complete: true });
    const log = recordingLogger();
    const retention = createRetention({
      retentionDays: 30,
      stores: [
        { name: "run history", rows: runs.rows },
        { name: "alert deliveries", rows: alerts.rows },
      ],
      clock: manualClock(NOW).clock,
    });

    const report = await retention.purge(log.logger);

    expect(runs.calls).toEqual([{ cutoff: "2030-05-02T06:00:00.000Z", options: { maxBatches: 100 } }]);
    expect(alerts.calls).toEqual(runs.calls);
    expect(DEFAULT_MAX_BATCHES_PER_STORE).toBe(100);
    expect(report).toEqual({
      cutoff: "2030-05-02T06:00:00.000Z",
      stores: [
        { store: "run history", purged: { deleted: 120, batches: 2, complete: true }, error: null },
        { store: "alert deliveries", purged: { deleted: 0, batches: 0, complete: true }, error: null },
      ],
    });
    expect(log.entries).toEqual([
      {
        level: "info",
        message: "Old rows deleted",
        properties: {
          store: "run history",
          cutoff: "2030-05-02T06:00:00.000Z",
          retentionDays: 30,
          deleted: 120,
          batches: 2,
          complete: true,
        },
      },
      {
        level: "info",
        message: "Old rows deleted",
        properties: {
          store: "alert deliveries",
          cutoff: "2030-05-02T06:00:00.000Z",
          retentionDays: 30,
          deleted: 0,
          batches: 0,
          complete: true,
        },
      },
    ]);
  });

  it("passes the signal and a configured budget on, and warns when rows remain for the next check", async () => {
    const runs = fakeStore({ deleted: 500, batches: 5, complete: false });
    const log = recordingLogger();
    const signal = new AbortController().signal;
    const retention = createRetention({
      retentionDays: 1,
      stores: [{ name: "run history", rows: runs.rows }],
      clock: manualClock(NOW).clock,
      maxBatchesPerStore: 5,
    });

    await retention.purge(log.logger, { signal });

    expect(runs.calls).toEqual([{ cutoff: "2030-05-31T06:00:00.000Z", options: { maxBatches: 5, signal } }]);
    expect(log.entries).toEqual([
      {
        level: "warn",
        message: "Old rows remain (this purge's budget or time ran out); the next check deletes more",
        properties: {
          store: "run history",
          cutoff: "2030-05-31T06:00:00.000Z",
          retentionDays: 1,
          deleted: 500,
          batches: 5,
          complete: false,
          maxBatches: 5,
        },
      },
    ]);
  });

  it("logs a store that fails and still purges the others, never throwing", async () => {
    const runs = fakeStore(new Error("Table Storage is unreachable (ECONNREFUSED)"));
    const alerts = fakeStore({ deleted: 3, batches: 1, complete: true });
    const log = recordingLogger();
    const retention = createRetention({
      retentionDays: 30,
      stores: [
        { name: "run history", rows: runs.rows },
        { name: "alert deliveries", rows: alerts.rows },
      ],
      clock: manualClock(NOW).clock,
    });

    const report = await retention.purge(log.logger);

    expect(report.stores).toEqual([
      { store: "run history", purged: null, error: "Table Storage is unreachable (ECONNREFUSED)" },
      { store: "alert deliveries", purged: { deleted: 3, batches: 1, complete: true }, error: null },
    ]);
    expect(log.entries.map((e) => [e.level, e.message, e.properties?.error])).toEqual([
      [
        "error",
        "Old rows could not be deleted; the next check tries again",
        "Table Storage is unreachable (ECONNREFUSED)",
      ],
      ["info", "Old rows deleted", undefined],
    ]);
  });
});
