import { describe, expect, it } from "vitest";
import { createJobsService } from "../../src/jobs/createJobsService.js";
import type { RecordedRun, RunHistory } from "../../src/state/RunHistory.js";
import type { LeaseStore } from "../../src/state/LeaseStore.js";
import { runResultFor } from "../state/runResultFor.js";
import { fakeTokenSource } from "./downstream/fakeTokenSource.js";
import { testJob } from "./downstream/harness.js";

/** Run history holding rows recorded with the API's JSON (as rows from before keepResponse, or before it was unset). */
function historyWithJson(): RunHistory {
  const row = (job: string): RecordedRun => ({
    ...runResultFor({ job, runId: `${job}-1`, json: { reports: ["secret data"] } }),
    truncated: [],
  });
  return {
    record: () => Promise.reject(new Error("not used")),
    summaries: () => Promise.resolve([]),
    summary: () => Promise.resolve(null),
    recent: (job) => Promise.resolve([row(job)]),
    standing: (job) => Promise.resolve({ summary: null, runs: [row(job)] }),
  };
}

const leases: LeaseStore = {
  acquire: () => Promise.reject(new Error("not used")),
  renew: () => Promise.reject(new Error("not used")),
  release: () => Promise.resolve(),
};

function service() {
  return createJobsService({
    jobs: [
      testJob("https://api.test", { name: "plain" }),
      testJob("https://api.test", { name: "kept", keepResponse: true }),
    ],
    tokens: fakeTokenSource().tokens,
    history: historyWithJson(),
    leases,
    notify: () => Promise.resolve({ via: "none", ledgerError: null }),
    clock: () => new Date("2030-01-01T10:00:00Z"),
    maxBodyBytes: 1_048_576,
    instanceId: "test",
  });
}

describe("createJobsService recentRuns", () => {
  it("shows no response body for a job without keepResponse, even from a row that holds one", async () => {
    const [run] = await service().recentRuns("PLAIN", 5);
    expect(run).toMatchObject({ job: "PLAIN", runId: "PLAIN-1", status: "succeeded", json: null });
  });

  it("shows the recorded response of a job with keepResponse", async () => {
    const [run] = await service().recentRuns("kept", 5);
    expect(run?.json).toEqual({ reports: ["secret data"] });
  });

  it("shows none for a name no job has (its rows are from a job since removed)", async () => {
    const [run] = await service().recentRuns("gone", 5);
    expect(run?.json).toBeNull();
  });
});
