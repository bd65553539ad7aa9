import type { RpcTypedData } from "./functionsCoreTypes.js";
import type { ScheduleStatus } from "./ScheduleStatus.js";

/**
 * A date as the host's JSON has it (Json.NET, host clock in UTC): `2024-05-01T10:15:00+00:00`, fractions of a
 * second only when there are any, and `0001-01-01T00:00:00` for "never".
 */
export function formatHostDate(date: Date | undefined): string {
  if (!date) return "0001-01-01T00:00:00";
  return date.toISOString().replace(/\.?0*Z$/, "+00:00");
}

/**
 * The timer trigger's input as the host sends it: TimerInfo as JSON, which the library camel-cases into
 * `{ schedule: { adjustForDST }, scheduleStatus: { last, next, lastUpdated } | null, isPastDue }`.
 * `scheduleStatus` is null when the timer does not use the schedule monitor.
 */
export function timerPayload(isPastDue: boolean, scheduleStatus: ScheduleStatus | null): RpcTypedData {
  return {
    json: JSON.stringify({
      Schedule: { AdjustForDST: true },
      ScheduleStatus: scheduleStatus && {
        Last: formatHostDate(scheduleStatus.last),
        Next: formatHostDate(scheduleStatus.next),
        LastUpdated: formatHostDate(scheduleStatus.lastUpdated),
      },
      IsPastDue: isPastDue,
    }),
  };
}
