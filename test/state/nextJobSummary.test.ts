import { describe, expect, it } from "vitest";
import type { JobSummary } from "../../src/state/JobSummary.js";
import { nextJobSummary } from "../../src/state/nextJobSummary.js";
import { failedRunFor, runResultFor, skippedRunFor } from "./runResultFor.js";

const afterThreeFailures: JobSummary = {
  job: "report-sync",
  lastRunId: "run-0",
  lastStatus: "failed",
  lastRunAt: "2030-01-01T09:55:00.000Z",
  lastDurationMs: 300,
  lastHttpStatus: 500,
  lastErrorCode: "HTTP_STATUS",
  lastErrorMessage: "The API answered 500.",
  consecutiveFailures: 3,
  lastSuccessAt: "2030-01-01T09:00:00.000Z",
  lastFailureAt: "2030-01-01T09:55:00.000Z",
  totalRuns: 10,
  lastPastDueAt: null,
};

describe("nextJobSummary", () => {
  it("starts a job's summary from its first run", () => {
    expect(nextJobSummary(null, failedRunFor())).toEqual({
      job: "report-sync",
      lastRunId: "run-1",
      lastStatus: "failed",
      lastRunAt: "2030-01-01T10:00:00.000Z",
      lastDurationMs: 120,
      lastHttpStatus: 503,
      lastErrorCode: "HTTP_STATUS",
      lastErrorMessage: "The API answered 503 after 1 attempt.",
      consecutiveFailures: 1,
      lastSuccessAt: null,
      lastFailureAt: "2030-01-01T10:00:00.000Z",
      totalRuns: 1,
      lastPastDueAt: null,
    } satisfies JobSummary);
  });

  it.each([
    {
      case: "a success after failures resets consecutive failures and clears the error",
      run: runResultFor(),
      expected: {
        lastRunId: "run-1",
        lastStatus: "succeeded",
        lastRunAt: "2030-01-01T10:00:00.000Z",
        lastDurationMs: 120,
        lastHttpStatus: 200,
        lastErrorCode: null,
        lastErrorMessage: null,
        consecutiveFailures: 0,
        lastSuccessAt: "2030-01-01T10:00:00.000Z",
        lastFailureAt: "2030-01-01T09:55:00.000Z",
        totalRuns: 11,
      },
    },
    {
      case: "a failure adds one to consecutive failures and keeps the last success",
      run: failedRunFor({
        errorCode: "TIMEOUT",
        errorMessage: "No answer within 30000 ms.",
        httpStatus: null,
      }),
      expected: {
        lastStatus: "failed",
        lastHttpStatus: null,
        lastErrorCode: "TIMEOUT",
        lastErrorMessage: "No answer within 30000 ms.",
        consecutiveFailures: 4,
        lastSuccessAt: "2030-01-01T09:00:00.000Z",
        lastFailureAt: "2030-01-01T10:00:00.000Z",
        totalRuns: 11,
      },
    },
    {
      case: "a timed-out run is a failure: it adds one to consecutive failures and keeps its error",
      run: failedRunFor({
        status: "timed-out",
        errorCode: "DEADLINE",
        errorMessage: "the token endpoint did not answer within 42 s: the invocation's deadline was reached.",
        httpStatus: null,
      }),
      expected: {
        lastStatus: "timed-out",
        lastHttpStatus: null,
        lastErrorCode: "DEADLINE",
        lastErrorMessage:
          "the token endpoint did not answer within 42 s: the invocation's deadline was reached.",
        consecutiveFailures: 4,
        lastSuccessAt: "2030-01-01T09:00:00.000Z",
        lastFailureAt: "2030-01-01T10:00:00.000Z",
        totalRuns: 11,
      },
    },
    {
      case: "a skipped run changes nothing but the count of runs",
      run: skippedRunFor({ isPastDue: true }),
      expected: { ...afterThreeFailures, totalRuns: 11 },
    },
    {
      case: "a past-due run records when it started",
      run: runResultFor({ isPastDue: true }),
      expected: { lastPastDueAt: "2030-01-01T10:00:00.000Z", consecutiveFailures: 0 },
    },
    {
      case: "a run on time keeps the last past-due time",
      run: failedRunFor(),
      expected: { lastPastDueAt: "2030-01-01T08:00:00.000Z" },
      previous: { ...afterThreeFailures, lastPastDueAt: "2030-01-01T08:00:00.000Z" },
    },
  ])("$case", ({ run, expected, previous }) => {
    expect(nextJobSummary(previous ?? afterThreeFailures, run)).toMatchObject(expected);
  });

  it("a first run that is skipped leaves the outcome fields empty", () => {
    expect(nextJobSummary(null, skippedRunFor())).toMatchObject({
      job: "report-sync",
      lastRunId: null,
      lastStatus: null,
      consecutiveFailures: 0,
      totalRuns: 1,
    });
  });

  describe("a run recorded after a later one (late)", () => {
    const at = (time: string) => `2030-01-01T${time}:00.000Z`;

    it("a late success is counted and is the last success when none is later; the last run and streak stay", () => {
      expect(
        nextJobSummary(afterThreeFailures, runResultFor({ runId: "late", startedAt: at("09:30") })),
      ).toEqual({
        ...afterThreeFailures,
        totalRuns: 11,
        lastSuccessAt: at("09:30"),
      });
      expect(nextJobSummary(afterThreeFailures, runResultFor({ startedAt: at("08:00") }))).toEqual({
        ...afterThreeFailures,
        totalRuns: 11,
      });
    });

    it("a late failure is counted, keeps a later last failure, and adds to the streak when after the last success", () => {
      const previous = { ...afterThreeFailures, lastFailureAt: at("09:40"), lastSuccessAt: at("09:55") };
      expect(nextJobSummary(previous, failedRunFor({ startedAt: at("09:50"), isPastDue: true }))).toEqual({
        ...previous,
        totalRuns: 11,
        lastFailureAt: at("09:50"),
        lastPastDueAt: at("09:50"),
      });
      expect(nextJobSummary(afterThreeFailures, failedRunFor({ startedAt: at("09:50") }))).toEqual({
        ...afterThreeFailures,
        totalRuns: 11,
        consecutiveFailures: 4,
      });
      expect(nextJobSummary(afterThreeFailures, failedRunFor({ startedAt: at("09:00") }))).toMatchObject({
        consecutiveFailures: 3,
      });
      const neverSucceeded = { ...afterThreeFailures, lastSuccessAt: null };
      expect(nextJobSummary(neverSucceeded, failedRunFor({ startedAt: at("08:00") }))).toMatchObject({
        consecutiveFailures: 4,
        lastFailureAt: at("09:55"),
      });
    });

    it("a late past-due run keeps a later past-due time", () => {
      const previous = { ...afterThreeFailures, lastPastDueAt: at("09:45") };
      expect(
        nextJobSummary(previous, failedRunFor({ startedAt: at("09:40"), isPastDue: true })),
      ).toMatchObject({
        lastPastDueAt: at("09:45"),
      });
    });

    it("a run that started when the last one did is not late, nor is any after runs that were all skipped", () => {
      expect(nextJobSummary(afterThreeFailures, runResultFor({ startedAt: at("09:55") }))).toMatchObject({
        lastStatus: "succeeded",
        consecutiveFailures: 0,
      });
      const onlySkipped = nextJobSummary(null, skippedRunFor({ startedAt: at("11:00") }));
      expect(nextJobSummary(onlySkipped, failedRunFor({ startedAt: at("10:00") }))).toMatchObject({
        lastStatus: "failed",
        consecutiveFailures: 1,
      });
    });
  });

  it("does not change the previous summary", () => {
    const previous = structuredClone(afterThreeFailures);
    nextJobSummary(previous, runResultFor());
    expect(previous).toEqual(afterThreeFailures);
  });
});
