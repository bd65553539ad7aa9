import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BenchMode, RowResult } from "./Row.js";
import { ms, ratio } from "./stats.js";

interface Arm {
  p50: number;
  p99: number;
  samples: number;
}

interface ImportReport {
  runs: number;
  arms: Record<"app" | "sdks", Arm> & { unbundled?: Arm };
}

/**
 * Cold import of the Functions entry: scripts/bench-import.mjs (npm run bench:import) builds the app, a bundle of the
 * SDKs alone with the same esbuild settings, and the unbundled build, then imports each in fresh processes, in turn.
 */
export function coldImportRows(mode: BenchMode): RowResult[] {
  const folder = mkdtempSync(join(tmpdir(), "m2m-bench-"));
  const file = join(folder, "import.json");
  try {
    execFileSync(process.execPath, ["scripts/bench-import.mjs"], {
      env: {
        ...process.env,
        RUNS: String(mode.quick ? 5 : 31),
        BENCH_JSON: file,
        // Quick: no unbundled arm (it needs a tsc build).
        UNBUNDLED: mode.quick ? "0" : "1",
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
    const report = JSON.parse(readFileSync(file, "utf8")) as ImportReport;
    const { app, sdks, unbundled } = report.arms;
    const appRatio = ratio(app.p50, sdks.p50);
    return [
      {
        id: "coldImport",
        measure: "Cold import, bundle vs a bundle of the SDKs alone, p50",
        figure: `${appRatio}× (app ${ms(app.p50)} ms, SDKs alone ${ms(sdks.p50)} ms${unbundled ? `; unbundled ${ratio(unbundled.p50, sdks.p50)}×` : ""}; ${report.runs} processes per arm)`,
        goal: "≤ 1.15×",
        atGoal: appRatio <= 1.15,
        detail: { ...report.arms, ratio: appRatio },
      },
    ];
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
