import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ScheduleStatus, ScheduleStatusStore } from "./ScheduleStatus.js";

const toDate = (value: unknown): Date | undefined => {
  if (typeof value !== "string") return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
};

/**
 * Keeps schedule statuses as JSON files in `directory` (one per timer), so that a local host started again after
 * missing an occurrence runs it past due, as the host does with its storage-backed schedule monitor.
 */
export function fileScheduleStatusStore(directory: string): ScheduleStatusStore {
  const fileOf = (timerName: string) => join(directory, `${encodeURIComponent(timerName)}.json`);
  return {
    async get(timerName) {
      let text: string;
      try {
        text = await readFile(fileOf(timerName), "utf8");
      } catch {
        return undefined;
      }
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== "object" || parsed === null) return undefined;
      const next = toDate(Reflect.get(parsed, "next"));
      if (!next) return undefined;
      const last = toDate(Reflect.get(parsed, "last"));
      const lastUpdated = toDate(Reflect.get(parsed, "lastUpdated"));
      return { next, ...(last ? { last } : {}), ...(lastUpdated ? { lastUpdated } : {}) };
    },
    async set(timerName, status: ScheduleStatus) {
      await mkdir(directory, { recursive: true });
      await writeFile(fileOf(timerName), `${JSON.stringify(status, null, 2)}\n`);
    },
  };
}
