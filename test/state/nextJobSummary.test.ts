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

  it("does not change the previous summary", () => {
    const previous = structuredClone(afterThreeFailures);
    nextJobSummary(previous, runResultFor());
    expect(previous).toEqual(afterThreeFailures);
  });
});
