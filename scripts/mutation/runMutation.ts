// `npm run test:mutation`: Stryker over each module in MUTATION_MODULES with only that module's own unit tests,
// then a gate: every module must score at least MUTATION_SCORE_THRESHOLD and have no mutant that no test reaches.
//
// Which modules are scored: a module that passes is recorded in scripts/mutation/verified.json with the fingerprint of
// everything its score depends on (the module, the modules it imports, its tests, the gate's settings, the Stryker and
// Vitest versions: see mutationFingerprint). A module whose fingerprint equals its recorded one is not scored again —
// its recorded pass still holds; any change scores it again, in CI too. Commit verified.json with the change.
// Stryker's own results are kept per module in reports/mutation/ (incremental). Exit code 1 when the gate fails.
//
//   npm run test:mutation                      modules changed since their recorded pass (all, in a project without one)
//   npm run test:mutation -- --all             every module
//   npm run test:mutation -- decideJobAlert    modules whose path contains the argument, changed or not
//   npm run test:mutation -- --force           ignore Stryker's incremental results (a failing module is always rerun
//                                              afresh before it fails the gate)
import { execFile } from "node:child_process";
import { availableParallelism } from "node:os";
import { readFile, stat, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { promisify } from "node:util";
import { MUTATION_MODULES, MUTATION_SCORE_THRESHOLD, type MutationModule } from "./mutationModules.js";
import { mutationFingerprint } from "./mutationFingerprint.js";
import { gateFailure, scoreModule, type ModuleScore, type ScoredMutant } from "./scoreMutants.js";

const run = promisify(execFile);
const args = process.argv.slice(2);
const force = args.includes("--force");
const all = args.includes("--all");
const filters = args.filter((a) => !a.startsWith("--"));
const named = MUTATION_MODULES.filter(
  (m) => filters.length === 0 || filters.some((f) => m.module.includes(f)),
);
if (named.length === 0) {
  console.error(
    `No mutation module matches ${filters.join(", ")}; the modules are listed in scripts/mutation/mutationModules.ts.`,
  );
  process.exit(2);
}

const VERIFIED_FILE = "scripts/mutation/verified.json";
const verified = JSON.parse(await readFile(VERIFIED_FILE, "utf8").catch(() => "{}")) as Record<
  string,
  string
>;
const fingerprints = new Map(
  await Promise.all(named.map(async (m) => [m, await mutationFingerprint(m)] as const)),
);
const selected = named.filter((m) => all || filters.length > 0 || verified[m.module] !== fingerprints.get(m));
const unchanged = named.length - selected.length;
if (unchanged > 0) {
  console.log(
    `${unchanged} module${unchanged === 1 ? "" : "s"} unchanged since ${unchanged === 1 ? "its" : "their"} recorded pass (${VERIFIED_FILE}): not scored again; --all scores every module.`,
  );
}

/** Stryker over one module, in its own process (see mutateModule.ts). */
async function mutate(entry: MutationModule, fresh: boolean, retried = false): Promise<ModuleScore> {
  const resultsFile = `reports/mutation/${basename(entry.module, ".ts")}.results.json`;
  try {
    await run(
      "node_modules/.bin/tsx",
      ["scripts/mutation/mutateModule.ts", entry.module, resultsFile, ...(fresh ? ["--force"] : [])],
      {
        env: { ...process.env, M2M_MUTATION_TESTS: JSON.stringify(entry.tests) },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    // Two modules are mutated at once, and Stryker lists the project (other modules' sandboxes under .stryker-tmp
    // included) when it links node_modules: a sandbox removed mid-listing fails the run with ENOENT. That is a race,
    // not a verdict: the module is run once more.
    if (!retried && /ENOENT[^\n]*\.stryker-tmp/.test(`${stdout}${stderr}`)) return mutate(entry, fresh, true);
    throw new Error(`Stryker failed on ${entry.module}:\n${stdout}${stderr}`, { cause: error });
  }
  return scoreModule(entry.module, JSON.parse(await readFile(resultsFile, "utf8")) as ScoredMutant[]);
}

/** The module's score, from reused results when they pass, else from a fresh run. */
async function gate(entry: MutationModule): Promise<ModuleScore> {
  const score = await mutate(entry, force);
  // Stryker's incremental mode keeps the verdict of a mutant in a module-level constant (a Set, a regex) when only
  // a test was added: such a "survivor" may be killed already. A module that fails on reused results is run afresh.
  return !force && gateFailure(score, MUTATION_SCORE_THRESHOLD) ? mutate(entry, true) : score;
}

/** Prints a module's line as soon as it is scored. */
function report(score: ModuleScore, seconds: number): string | null {
  const failure = gateFailure(score, MUTATION_SCORE_THRESHOLD);
  console.log(
    `${failure ? "FAIL" : "ok  "} ${score.score.toFixed(1).padStart(5)}%  ${score.module}  ` +
      `(killed ${score.killed + score.timedOut}, survived ${score.survived}, no coverage ${score.noCoverage}, ` +
      `equivalent ${score.ignored}; ${seconds.toFixed(0)} s)`,
  );
  for (const mutant of score.undetected) console.log(`        ${mutant}`);
  return failure;
}

/**
 * Runs the modules one per core side by side, the largest first (a large module started last would leave the other
 * core idle at the end), and returns the failures.
 */
async function gateAll(entries: readonly MutationModule[]): Promise<string[]> {
  const sizes = new Map(
    await Promise.all(entries.map(async (e) => [e, (await stat(e.module)).size] as const)),
  );
  const queue = [...entries].sort((a, b) => sizes.get(b)! - sizes.get(a)!);
  const failures: string[] = [];
  const worker = async () => {
    for (let entry = queue.shift(); entry; entry = queue.shift()) {
      const started = performance.now();
      const failure = report(await gate(entry), (performance.now() - started) / 1000);
      if (failure) failures.push(failure);
    }
  };
  await Promise.all(Array.from({ length: Math.min(availableParallelism(), entries.length) }, worker));
  return failures;
}

const failures = await gateAll(selected);
// Every module that passed is recorded with its fingerprint; a failing one loses its record.
for (const entry of selected) {
  if (failures.some((failure) => failure.startsWith(`${entry.module}:`))) delete verified[entry.module];
  else verified[entry.module] = fingerprints.get(entry)!;
}
const known = new Set(MUTATION_MODULES.map((m) => m.module));
const record = Object.fromEntries(
  Object.entries(verified)
    .filter(([module]) => known.has(module))
    .sort(([a], [b]) => a.localeCompare(b)),
);
await writeFile(VERIFIED_FILE, `${JSON.stringify(record, null, 2)}\n`);
if (failures.length > 0) {
  console.error(
    `\nMutation gate failed (threshold ${MUTATION_SCORE_THRESHOLD}% per module):\n  ${failures.join("\n  ")}`,
  );
  console.error("Reports: reports/mutation/<module>.html");
  process.exit(1);
}
console.log(
  `\nMutation gate passed: ${selected.length} module${selected.length === 1 ? "" : "s"} scored, each at least ${MUTATION_SCORE_THRESHOLD}%` +
    `${unchanged > 0 ? `; ${unchanged} unchanged since their recorded pass` : ""}.`,
);
