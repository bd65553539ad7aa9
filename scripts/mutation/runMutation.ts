// `npm run test:mutation`: Stryker over each module in MUTATION_MODULES with only that module's own unit tests,
// then a gate: every module must score at least MUTATION_SCORE_THRESHOLD and have no mutant that no test reaches.
// Results are kept per module in reports/mutation/ (incremental: an unchanged module with unchanged tests reuses
// its last results; a fresh clone, as in CI, runs everything). Exit code 1 when the gate fails.
//
//   npm run test:mutation                      all modules
//   npm run test:mutation -- decideJobAlert    modules whose path contains the argument
//   npm run test:mutation -- --force           ignore the incremental results (a failing module is always rerun
//                                              afresh before it fails the gate)
import { Stryker } from "@stryker-mutator/core";
import { basename } from "node:path";
import { MUTATION_MODULES, MUTATION_SCORE_THRESHOLD, type MutationModule } from "./mutationModules.js";
import { gateFailure, scoreModule, type ModuleScore } from "./scoreMutants.js";

const args = process.argv.slice(2);
const force = args.includes("--force");
const filters = args.filter((a) => !a.startsWith("--"));
const selected = MUTATION_MODULES.filter(
  (m) => filters.length === 0 || filters.some((f) => m.module.includes(f)),
);
if (selected.length === 0) {
  console.error(
    `No mutation module matches ${filters.join(", ")}; the modules are listed in scripts/mutation/mutationModules.ts.`,
  );
  process.exit(2);
}

async function mutate(entry: MutationModule, fresh: boolean): Promise<ModuleScore> {
  const id = basename(entry.module, ".ts");
  // Read by vitest.mutation.config.ts in Stryker's test runner processes, which inherit this environment.
  process.env.M2M_MUTATION_TESTS = JSON.stringify(entry.tests);
  const results = await new Stryker({
    configFile: "stryker.config.json",
    mutate: [entry.module],
    force: fresh,
    incrementalFile: `reports/mutation/${id}.incremental.json`,
    htmlReporter: { fileName: `reports/mutation/${id}.html` },
    // One sandbox folder per module, so runs of different modules can go on side by side.
    tempDirName: `.stryker-tmp/${id}`,
  }).runMutationTest();
  return scoreModule(entry.module, results);
}

const failures: string[] = [];
for (const entry of selected) {
  let score = await mutate(entry, force);
  // Stryker's incremental mode keeps the verdict of a mutant in a module-level constant (a Set, a regex) when only
  // a test was added: such a "survivor" may be killed already. A module that fails on reused results is run afresh.
  if (!force && gateFailure(score, MUTATION_SCORE_THRESHOLD)) score = await mutate(entry, true);
  const failure = gateFailure(score, MUTATION_SCORE_THRESHOLD);
  if (failure) failures.push(failure);
  console.log(
    `${failure ? "FAIL" : "ok  "} ${score.score.toFixed(1).padStart(5)}%  ${entry.module}  ` +
      `(killed ${score.killed + score.timedOut}, survived ${score.survived}, no coverage ${score.noCoverage}, ` +
      `equivalent ${score.ignored})`,
  );
  for (const mutant of score.undetected) console.log(`        ${mutant}`);
}

if (failures.length > 0) {
  console.error(
    `\nMutation gate failed (threshold ${MUTATION_SCORE_THRESHOLD}% per module):\n  ${failures.join("\n  ")}`,
  );
  console.error("Reports: reports/mutation/<module>.html");
  process.exit(1);
}
console.log(
  `\nMutation gate passed: ${selected.length} module${selected.length === 1 ? "" : "s"}, each at least ${MUTATION_SCORE_THRESHOLD}%.`,
);
