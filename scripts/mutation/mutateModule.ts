// One module's Stryker run, in a process of its own (runMutation.ts starts one per module, a few at a time):
//   tsx scripts/mutation/mutateModule.ts <module> <results file> [--force]
// The module's own tests come in M2M_MUTATION_TESTS (read by vitest.mutation.config.ts in Stryker's test runner
// processes, which inherit this environment); the mutant results are written to <results file> as JSON.
import { Stryker } from "@stryker-mutator/core";
import { writeFile } from "node:fs/promises";
import { basename } from "node:path";
import type { ScoredMutant } from "./scoreMutants.js";

const [module, resultsFile] = process.argv.slice(2);
if (!module || !resultsFile || !process.env.M2M_MUTATION_TESTS) {
  console.error(
    "usage: M2M_MUTATION_TESTS='[...]' tsx scripts/mutation/mutateModule.ts <module> <results file> [--force]",
  );
  process.exit(2);
}
const id = basename(module, ".ts");
const results = await new Stryker({
  configFile: "stryker.config.json",
  mutate: [module],
  force: process.argv.includes("--force"),
  // One test runner per module: several modules run side by side instead, which keeps both cores busy without
  // paying a second runner's start-up for a module of a few dozen mutants.
  concurrency: 1,
  incrementalFile: `reports/mutation/${id}.incremental.json`,
  htmlReporter: { fileName: `reports/mutation/${id}.html` },
  // One sandbox folder per module, so runs of different modules can go on side by side.
  tempDirName: `.stryker-tmp/${id}`,
}).runMutationTest();
const scored: ScoredMutant[] = results.map((m) => ({
  status: m.status,
  mutatorName: m.mutatorName,
  replacement: m.replacement,
  location: { start: { line: m.location.start.line, column: m.location.start.column } },
}));
await writeFile(resultsFile, JSON.stringify(scored));
