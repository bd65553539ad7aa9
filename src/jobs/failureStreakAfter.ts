import type { RunRecording } from "./JobOutcomeNotifier.js";
import type { RunStatus } from "./RunResult.js";

/**
 * Pure: the job's failure streak after a run, for the failure-streak metric. Run history's count when the run was
 * recorded; 0 after a success whatever happened to the record. When recording failed (Table Storage down), the streak
 * this process last knew for the job (`lastKnown`, undefined when it knows none) plus one for a failed or timed-out
 * run, unchanged for a skipped one: never a drop to 0 that would resolve a failing-job alert while storage is down.
 */
export function failureStreakAfter(
  status: RunStatus,
  recording: RunRecording,
  lastKnown: number | undefined,
): number {
  if (status === "succeeded") return 0;
  if (recording.recorded) return recording.standing.consecutiveFailures;
  const known = lastKnown ?? 0;
  return status === "skipped" ? known : known + 1;
}
