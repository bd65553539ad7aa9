/** One row of the benchmark's table: what was measured, against what, and whether it is at its goal. */
export interface RowResult {
  /** Short key, stable across runs (the JSON report's key). */
  id: string;
  /** The measure, as the table names it. */
  measure: string;
  /** The figure, as printed ("1.42× (app 12.1 ms / bare 8.5 ms)"). */
  figure: string;
  /** The goal, as printed ("≤ 2×"). */
  goal: string;
  atGoal: boolean;
  /** The numbers behind the figure, for the JSON report. */
  detail: Record<string, unknown>;
}

/** How much a row samples: `quick` for CI (the whole suite under a minute), else the full run. */
export interface BenchMode {
  quick: boolean;
}
