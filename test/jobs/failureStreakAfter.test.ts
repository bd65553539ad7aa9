import { describe, expect, it } from "vitest";
import { failureStreakAfter } from "../../src/jobs/failureStreakAfter.js";
import type { RunRecording } from "../../src/jobs/JobOutcomeNotifier.js";
import type { RunStatus } from "../../src/jobs/RunResult.js";

const recorded = (consecutiveFailures: number): RunRecording => ({
  recorded: true,
  standing: { consecutiveFailures, lastSuccessAt: null },
});
const notRecorded: RunRecording = { recorded: false, error: new Error("Table Storage did not answer") };

describe("failureStreakAfter", () => {
  it.each<[RunStatus, RunRecording, number | undefined, number]>([
    ["failed", recorded(3), 1, 3],
    ["skipped", recorded(2), undefined, 2],
    ["succeeded", recorded(0), 4, 0],
    ["succeeded", notRecorded, 4, 0],
    ["failed", notRecorded, 2, 3],
    ["timed-out", notRecorded, 2, 3],
    ["failed", notRecorded, undefined, 1],
    ["skipped", notRecorded, 2, 2],
    ["skipped", notRecorded, undefined, 0],
  ])("after a %s run (%j, last known %s) is %i", (status, recording, lastKnown, streak) => {
    expect(failureStreakAfter(status, recording, lastKnown)).toBe(streak);
  });
});
