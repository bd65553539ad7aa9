import type { TimerSchedule } from "./parseTimerSchedule.js";
import type { ScheduleStatus } from "./ScheduleStatus.js";

export interface PastDueCheck {
  /** How late the recorded next occurrence is; 0 when it is not past due. */
  readonly pastDueMs: number;
  /** The status to continue from. */
  readonly status: ScheduleStatus;
  /** Whether `status` differs from the recorded one and must be stored. */
  readonly changed: boolean;
}

/**
 * The schedule monitor's start-up check: a timer is past due when the next occurrence recorded before the host
 * stopped is earlier than now (an occurrence was missed). A timer never seen before records its next occurrence;
 * a schedule changed since the record was made is re-based instead of reported past due.
 */
export function checkPastDue(
  now: Date,
  schedule: TimerSchedule,
  recorded: ScheduleStatus | undefined,
): PastDueCheck {
  let status: ScheduleStatus;
  let changed = false;
  if (!recorded) {
    status = { next: schedule.next(now), lastUpdated: now };
    changed = true;
  } else {
    // `next` was computed from `last` (after a run) or from `lastUpdated` (before the first run).
    let basis = recorded.last ?? recorded.lastUpdated ?? now;
    let expected = schedule.next(basis);
    if (expected.getTime() !== recorded.next.getTime()) {
      if (now.getTime() > expected.getTime()) {
        expected = schedule.next(now);
        basis = now;
      }
      status = { next: expected, lastUpdated: basis };
      changed = true;
    } else {
      status = recorded;
    }
  }
  const pastDueMs = Math.max(0, now.getTime() - status.next.getTime());
  return { pastDueMs, status, changed };
}
