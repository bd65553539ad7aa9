import { describe, expect, it } from "vitest";
import type { AttemptResult } from "../../src/jobs/RunResult.js";
import { fromRunEntity, MAX_PROPERTY_CHARS, toRunEntity } from "../../src/state/runEntity.js";
import { failedRunFor, runResultFor } from "./runResultFor.js";

const huge = "z".repeat(200_000);

describe("toRunEntity / fromRunEntity", () => {
  it("round-trips a run whole", () => {
    const run = failedRunFor({ json: { a: [1, "two", null] } });
    expect(fromRunEntity(toRunEntity(run))).toEqual({ ...run, truncated: [] });
  });

  it("writes no response property for a run without one (a job without keepResponse), and reads it back as null", () => {
    const entity = toRunEntity(runResultFor({ json: null }));
    expect(entity).not.toHaveProperty("json");
    expect(fromRunEntity(entity).json).toBeNull();
  });

  it("keys a run by job (lower case) and inverted start time, so newer runs sort first", () => {
    const older = toRunEntity(
      runResultFor({ job: "Report-Sync", runId: "r1", startedAt: "2030-01-01T10:00:00.000Z" }),
    );
    const newer = toRunEntity(
      runResultFor({ job: "Report-Sync", runId: "r2", startedAt: "2030-01-01T10:00:00.001Z" }),
    );
    expect(older.partitionKey).toBe("report-sync");
    expect(older.rowKey).toBe(`${9_999_999_999_999 - Date.parse("2030-01-01T10:00:00.000Z")}_r1`);
    expect(newer.rowKey < older.rowKey).toBe(true);
  });

  it("keeps the last attempts when they do not all fit", () => {
    const attempts: AttemptResult[] = Array.from({ length: 60 }, (_, i) => ({
      attempt: i + 1,
      status: null,
      durationMs: 1,
      error: `ECONNRESET ${"e".repeat(2_000)}`,
      retryAfterMs: null,
    }));
    const entity = toRunEntity(failedRunFor({ attempts }));
    const read = fromRunEntity(entity);

    expect(read.truncated).toEqual(["attempts"]);
    expect(String(entity.attempts).length).toBeLessThanOrEqual(MAX_PROPERTY_CHARS);
    expect(read.attempts.at(-1)?.attempt).toBe(60);
    expect(read.attempts.length).toBeGreaterThan(10);
    expect(read.attempts[0]?.error).toHaveLength(1_024);
  });

  it("keeps a run with every field at its worst under the 1 MiB entity limit", () => {
    const entity = toRunEntity(
      failedRunFor({
        errorMessage: huge,
        errorBodyExcerpt: huge,
        skippedReason: huge,
        json: { text: huge },
        errorCode: huge,
        correlation: { traceparent: huge, clientRequestId: huge, requestId: huge },
        attempts: Array.from({ length: 500 }, (_, i) => ({
          attempt: i,
          status: null,
          durationMs: 0,
          error: huge,
          retryAfterMs: null,
        })),
      }),
    );
    const strings = Object.values(entity).filter((v): v is string => typeof v === "string");

    for (const value of strings) expect(value.length).toBeLessThanOrEqual(MAX_PROPERTY_CHARS);
    // Strings are stored as UTF-16: two bytes a character.
    expect(strings.reduce((bytes, s) => bytes + 2 * s.length, 0)).toBeLessThan(1024 * 1024);
    expect(fromRunEntity(entity).truncated).toEqual([
      "errorMessage",
      "errorBodyExcerpt",
      "skippedReason",
      "attempts",
      "json",
    ]);
  });
});
