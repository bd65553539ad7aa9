// The benchmark suite (not tests): each row of issue "Fast at fleet scale"'s table, measured against its reference in
// one run on this machine — arms interleaved, medians and p99, request counts from the stand-ins and from a proxy in
// front of Azurite's Table service. Prints the table and writes bench-results/bench.json.
//
//   npm run bench                 the full run (several minutes; `npm test` timed last)
//   npm run bench -- --quick      fewer samples and no `npm test` (CI runs it so the suite cannot rot)
//   npm run bench -- --only jobRun,coldImport
import { mkdirSync, writeFileSync } from "node:fs";
import { certificateCheckRows } from "./certificateCheck.js";
import { coldImportRows } from "./coldImport.js";
import { dashboardRows } from "./dashboard.js";
import { downstreamClientRows } from "./downstreamClient.js";
import { inventoryRows } from "./inventory.js";
import { jobRunRows } from "./jobRun.js";
import { npmTestRows } from "./npmTest.js";
import type { BenchMode, RowResult } from "./Row.js";
import { versionCheckRows } from "./versionCheck.js";
import { startBenchWorld, type BenchWorld } from "./world.js";

const args = process.argv.slice(2);
const mode: BenchMode = { quick: args.includes("--quick") };
const onlyArg = args.indexOf("--only");
const only = onlyArg >= 0 ? new Set((args[onlyArg + 1] ?? "").split(",")) : null;

/** The rows, in the table's order: those that need the stand-ins get the world. */
const groups: { id: string; rows: (world: BenchWorld, mode: BenchMode) => Promise<RowResult[]> }[] = [
  { id: "jobRun", rows: jobRunRows },
  { id: "certificateCheck", rows: certificateCheckRows },
  { id: "inventory", rows: (_world, m) => Promise.resolve(inventoryRows(m)) },
  { id: "dashboard", rows: dashboardRows },
  { id: "coldImport", rows: (_world, m) => Promise.resolve(coldImportRows(m)) },
  { id: "downstreamClient", rows: downstreamClientRows },
  { id: "versionCheck", rows: versionCheckRows },
  { id: "npmTest", rows: (_world, m) => Promise.resolve(npmTestRows(m)) },
];

const started = performance.now();
const world = await startBenchWorld();
const results: RowResult[] = [];
try {
  for (const group of groups) {
    if (only && !only.has(group.id)) continue;
    const rows = await group.rows(world, mode);
    for (const row of rows) {
      results.push(row);
      console.log(
        `${row.atGoal ? "at goal " : "OFF GOAL"}  ${row.measure}: ${row.figure}  (goal ${row.goal})`,
      );
    }
  }
} finally {
  await world.stop();
}
const report = {
  at: new Date().toISOString(),
  mode: mode.quick ? "quick" : "full",
  node: process.version,
  seconds: Math.round((performance.now() - started) / 100) / 10,
  rows: results,
};
mkdirSync("bench-results", { recursive: true });
writeFileSync("bench-results/bench.json", `${JSON.stringify(report, null, 2)}\n`);
console.log(
  `\n${results.filter((r) => r.atGoal).length} of ${results.length} rows at goal, in ${report.seconds} s` +
    ` (${report.mode}); report: bench-results/bench.json`,
);
// SDK clients keep sockets and timers alive.
process.exit(0);
