/**
 * The schedule monitor's record of a timer (the host keeps it in storage): the last occurrence that ran, the next
 * one expected, and when the record was computed. A missing `last`/`lastUpdated` is the host's DateTime default.
 */
export interface ScheduleStatus {
  readonly last?: Date;
  readonly next: Date;
  readonly lastUpdated?: Date;
}

/** Keeps schedule statuses between runs of the host, so an occurrence missed while it was stopped is past due. */
export interface ScheduleStatusStore {
  get(timerName: string): Promise<ScheduleStatus | undefined>;
  set(timerName: string, status: ScheduleStatus): Promise<void>;
}

/** A store for one process: nothing is past due at start unless a test put a status in first. */
export function memoryScheduleStatusStore(initial: Record<string, ScheduleStatus> = {}): ScheduleStatusStore {
  const statuses = new Map(Object.entries(initial));
  return {
    get: (timerName) => Promise.resolve(statuses.get(timerName)),
    set: (timerName, status) => {
      statuses.set(timerName, status);
      return Promise.resolve();
    },
  };
}
