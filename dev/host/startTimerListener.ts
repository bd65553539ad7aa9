import { checkPastDue } from "./checkPastDue.js";
import type { HostLogger } from "./HostLogger.js";
import type { TimerSchedule } from "./parseTimerSchedule.js";
import type { ScheduleStatus, ScheduleStatusStore } from "./ScheduleStatus.js";
import { formatHostDate } from "./timerPayload.js";

export interface TimerFiring {
  readonly isPastDue: boolean;
  /** What the function sees as `myTimer.scheduleStatus`: null without the schedule monitor. */
  readonly scheduleStatus: ScheduleStatus | null;
  /** The host's Reason for the "Executing" log line. */
  readonly reason: string;
}

export interface TimerListenerOptions {
  readonly functionName: string;
  readonly schedule: TimerSchedule;
  readonly useMonitor: boolean;
  readonly runOnStartup: boolean;
  readonly store: ScheduleStatusStore;
  readonly clock: () => Date;
  readonly logger: HostLogger;
  /** Runs the function; a rejection is logged here and does not stop the schedule. */
  readonly invoke: (firing: TimerFiring) => Promise<unknown>;
}

export interface TimerListener {
  /** The schedule status as of now: `next` is the occurrence the listener waits for. */
  readonly status: ScheduleStatus;
  /** Stops scheduling and waits for a running invocation to finish. */
  stop(): Promise<void>;
}

// setTimeout holds at most 2^31-1 ms (24.8 days); longer waits are chained, as the host does with its timer.
const maxDelayMs = 24 * 24 * 60 * 60 * 1000;

/**
 * Schedules a timer function as the host's timer listener does: at start, with the schedule monitor, an occurrence
 * missed while the host was stopped runs at once with `isPastDue: true`; otherwise `runOnStartup` runs it at once;
 * then each occurrence runs in turn. Runs of one timer never overlap: the next occurrence is computed when a run
 * ends, so occurrences that pass during a long run are skipped. A run that fires slightly early counts as the
 * occurrence it was scheduled for.
 */
export async function startTimerListener(options: TimerListenerOptions): Promise<TimerListener> {
  const { functionName, schedule, useMonitor, store, clock, logger } = options;
  const log = (
    message: string,
    level: "debug" | "information" | "warning" | "error" = "information",
    error?: unknown,
  ) =>
    logger.log({ level, category: "host", message, functionName, ...(error === undefined ? {} : { error }) });

  const now = clock();
  let status: ScheduleStatus = { next: schedule.next(now) };
  let startup: { isPastDue: boolean; originalSchedule?: Date } | undefined;
  if (useMonitor) {
    const check = checkPastDue(now, schedule, await store.get(functionName));
    if (check.changed) await store.set(functionName, check.status);
    status = check.status;
    if (check.pastDueMs > 0) startup = { isPastDue: true, originalSchedule: status.next };
  }
  if (!startup && options.runOnStartup) startup = { isPastDue: false };

  const upcoming: string[] = [];
  let occurrence = now;
  while (upcoming.length < 5) {
    occurrence = schedule.next(occurrence);
    upcoming.push(formatHostDate(occurrence));
  }
  log(
    `The next 5 occurrences of the '${functionName}' schedule (${schedule.kind}: '${schedule.expression}') will be:\n` +
      upcoming.join("\n"),
    "debug",
  );

  let stopped = false;
  let timeout: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const arm = (delayMs: number, then: () => void) => {
    if (stopped) return;
    const wait = Math.max(0, delayMs);
    timeout = setTimeout(
      () => (wait > maxDelayMs ? arm(wait - maxDelayMs, then) : then()),
      Math.min(wait, maxDelayMs),
    );
  };

  const run = async (
    invocationTime: Date,
    firing: Omit<TimerFiring, "scheduleStatus">,
    scheduled: boolean,
  ) => {
    try {
      await options.invoke({ ...firing, scheduleStatus: useMonitor ? status : null });
    } catch (error) {
      log(`Error occurred during scheduled invocation for '${functionName}'.`, "error", error);
    }
    // Fired a little early (timer resolution, clock skew): count it as the occurrence it was scheduled for, so the
    // same occurrence is not computed as "next" again.
    const basis =
      scheduled && status.next.getTime() > invocationTime.getTime() ? status.next : invocationTime;
    status = { last: basis, next: schedule.next(basis), lastUpdated: basis };
    if (useMonitor) await store.set(functionName, status);
  };

  const onTimer = () => {
    running = (async () => {
      if (stopped) return;
      try {
        const firedAt = clock();
        const current = startup;
        startup = undefined;
        if (current?.isPastDue) {
          log(
            `Timer is past due (originally scheduled for ${formatHostDate(current.originalSchedule)}).`,
            "information",
          );
          await run(
            firedAt,
            { isPastDue: true, reason: `Timer fired at ${formatHostDate(firedAt)} (IsPastDue)` },
            false,
          );
        } else if (current) {
          await run(
            firedAt,
            { isPastDue: false, reason: `Timer fired at ${formatHostDate(firedAt)} (RunOnStartup)` },
            false,
          );
        } else {
          await run(firedAt, { isPastDue: false, reason: `Timer fired at ${formatHostDate(firedAt)}` }, true);
        }
      } catch (error) {
        log(`The timer listener for '${functionName}' failed to record its schedule status.`, "error", error);
      }
      armNext();
    })();
  };

  const armNext = () => arm(status.next.getTime() - clock().getTime(), onTimer);

  if (startup) arm(0, onTimer);
  else armNext();

  return {
    get status() {
      return status;
    },
    async stop() {
      stopped = true;
      clearTimeout(timeout);
      await running;
    },
  };
}
