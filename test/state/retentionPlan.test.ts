import { describe, expect, it } from "vitest";
import {
  deleteBatches,
  deliveriesDueFilter,
  isDeliveryDue,
  MAX_DELETES_PER_BATCH,
  retentionCutoff,
  runsDueFilter,
} from "../../src/state/retentionPlan.js";
import { toRunEntity } from "../../src/state/runEntity.js";
import { runResultFor } from "./runResultFor.js";

const CUTOFF = new Date("2030-01-01T00:00:00.000Z");
const MS = 1;
/** The RowKey a run started at `iso` gets. */
const runKey = (iso: string) => toRunEntity(runResultFor({ runId: "r", startedAt: iso })).rowKey;
/** The RowKey floor runsDueFilter puts in its query for `cutoff`. */
const floorOf = (cutoff: Date) => /RowKey ge '(\d{13})'$/.exec(runsDueFilter("job", cutoff) ?? "")?.[1];

describe("retentionCutoff", () => {
  it.each([
    [30, "2029-12-02T12:34:56.789Z"],
    [1, "2029-12-31T12:34:56.789Z"],
    [3650, "2020-01-04T12:34:56.789Z"], // three leap days between
  ])("is %i whole days before now", (days, expected) => {
    expect(retentionCutoff(new Date("2030-01-01T12:34:56.789Z"), days).toISOString()).toBe(expected);
  });
});

describe("runsDueFilter", () => {
  it("reads one job's partition from the key of the last due millisecond up (older runs have greater keys)", () => {
    expect(runsDueFilter("report-sync", CUTOFF)).toBe(
      `PartitionKey eq 'report-sync' and RowKey ge '${String(9_999_999_999_999 - (CUTOFF.getTime() - 1))}'`,
    );
  });

  it("takes a run that started 1 ms before the cutoff, and not one that started at it or later", () => {
    const floor = floorOf(CUTOFF)!;
    const before = runKey(new Date(CUTOFF.getTime() - MS).toISOString());
    const at = runKey(CUTOFF.toISOString());
    const after = runKey(new Date(CUTOFF.getTime() + MS).toISOString());
    const longBefore = runKey("2020-06-01T00:00:00.000Z");

    expect([longBefore >= floor, before >= floor, at >= floor, after >= floor]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it("escapes the partition key as OData text", () => {
    expect(runsDueFilter("o'brien", CUTOFF)).toMatch(/^PartitionKey eq 'o''brien' and /);
  });

  it.each([
    ["1970-01-01T00:00:00.000Z", null],
    ["1969-12-31T00:00:00.000Z", null],
    ["1970-01-01T00:00:00.001Z", "9999999999999"],
    ["1970-01-01T00:00:00.002Z", "9999999999998"],
  ])("with the cutoff at %s the floor is %s (no run starts before 1970)", (cutoff, floor) => {
    expect(floorOf(new Date(cutoff)) ?? null).toBe(floor);
    expect(runsDueFilter("job", new Date(cutoff)) === null).toBe(floor === null);
  });

  it("with a cutoff past the last time a run key can hold, takes every run (floor 0000000000000)", () => {
    expect(floorOf(new Date(9_999_999_999_999 + 1))).toBe("0000000000000");
    expect(floorOf(new Date(9_999_999_999_999 + 2))).toBe("0000000000000");
    expect(floorOf(new Date(9_999_999_999_999))).toBe("0000000000001");
  });

  it("takes nothing for a cutoff that is not a time", () => {
    expect(runsDueFilter("job", new Date(Number.NaN))).toBeNull();
  });
});

describe("isDeliveryDue", () => {
  const old = "2029-12-31T23:59:59.999Z";
  const row = (overrides: Record<string, unknown>) => ({
    status: "sent",
    attempts: 1,
    occurredAt: old,
    ...overrides,
  });

  it.each([
    ["sent, raised before the cutoff", {}, true],
    ["given up: failed as often as allowed", { status: "failed", attempts: 15 }, true],
    ["given up, with more attempts than allowed now", { status: "failed", attempts: 16 }, true],
    ["failed, still to be retried", { status: "failed", attempts: 14 }, false],
    ["pending, never tried", { status: "pending", attempts: 0 }, false],
    ["pending, with as many attempts as allowed", { status: "pending", attempts: 15 }, false],
    ["failed, attempts unreadable", { status: "failed", attempts: "15" }, false],
    ["failed, attempts missing", { status: "failed", attempts: undefined }, false],
    ["of unknown status", { status: "queued" }, false],
    ["raised at the cutoff", { occurredAt: "2030-01-01T00:00:00.000Z" }, false],
    ["raised after the cutoff", { occurredAt: "2030-01-02T00:00:00.000Z" }, false],
    ["raised at a time that cannot be read", { occurredAt: "yesterday" }, false],
    ["with no time raised", { occurredAt: undefined }, false],
    ["with a time raised that is no text", { occurredAt: 1_000 }, false],
  ])("%s: %s", (_what, overrides, due) => {
    expect(isDeliveryDue(row(overrides), CUTOFF, 15)).toBe(due);
  });

  it.each([
    ["a claim that ended before the cutoff (its sender died long ago)", old, true],
    ["a claim that ends at the cutoff", "2030-01-01T00:00:00.000Z", false],
    ["a claim that ends after the cutoff (being sent now)", "2030-01-05T00:00:00.000Z", false],
    ["a claim time that cannot be read", "soon", false],
    ["a claim time that is no text", 0, false],
  ])("a given-up row with %s: %s", (_what, claimedUntil, due) => {
    expect(isDeliveryDue(row({ status: "failed", attempts: 15, claimedUntil }), CUTOFF, 15)).toBe(due);
  });

  it("reads maxAttempts as given", () => {
    expect(isDeliveryDue(row({ status: "failed", attempts: 3 }), CUTOFF, 3)).toBe(true);
    expect(isDeliveryDue(row({ status: "failed", attempts: 3 }), CUTOFF, 4)).toBe(false);
  });
});

describe("deliveriesDueFilter", () => {
  it("asks the server for delivered rows raised before the cutoff", () => {
    expect(deliveriesDueFilter(CUTOFF, 15)).toBe(
      "kind eq 'delivery' and occurredAt lt '2030-01-01T00:00:00.000Z' and " +
        "(status eq 'sent' or (status eq 'failed' and attempts ge 15))",
    );
  });
});

describe("deleteBatches", () => {
  const rows = (partitionKey: string, count: number, from = 0) =>
    Array.from({ length: count }, (_, i) => ({ partitionKey, rowKey: `${partitionKey}-${from + i}` }));

  it("puts nothing in no batch", () => {
    expect(deleteBatches([])).toEqual([]);
  });

  it("groups rows by partition, in the order each partition is first seen", () => {
    expect(deleteBatches([...rows("b", 1), ...rows("a", 2), ...rows("b", 1, 1)])).toEqual([
      { partitionKey: "b", rowKeys: ["b-0", "b-1"] },
      { partitionKey: "a", rowKeys: ["a-0", "a-1"] },
    ]);
  });

  it.each([
    [100, [100]],
    [101, [100, 1]],
    [250, [100, 100, 50]],
  ])("cuts %i rows of one partition into transactions of %j", (count, sizes) => {
    const batches = deleteBatches(rows("job", count));
    expect(batches.map((b) => b.rowKeys.length)).toEqual(sizes);
    expect(batches.flatMap((b) => b.rowKeys)).toEqual(rows("job", count).map((r) => r.rowKey));
    expect(MAX_DELETES_PER_BATCH).toBe(100);
  });
});
