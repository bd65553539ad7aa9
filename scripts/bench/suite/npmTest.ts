import { spawnSync } from "node:child_process";
import type { BenchMode, RowResult } from "./Row.js";

const GOAL_S = 90;

/** The README's test command, timed as a whole (full runs only: it takes minutes). */
export function npmTestRows(mode: BenchMode): RowResult[] {
  if (mode.quick) return [];
  const started = performance.now();
  const run = spawnSync("npm", ["test", "--", "--reporter=dot"], { stdio: ["ignore", "ignore", "inherit"] });
  const seconds = Math.round((performance.now() - started) / 1000);
  return [
    {
      id: "npmTest",
      measure: "npm test wall time",
      figure: `${seconds} s${run.status === 0 ? "" : ` (it failed: exit ${run.status})`}`,
      goal: `≤ ${GOAL_S} s, same coverage`,
      atGoal: run.status === 0 && seconds <= GOAL_S,
      detail: { seconds, exitCode: run.status },
    },
  ];
}
