import type { CodeJobDefinition } from "../JobDefinition.js";
import {
  boolean,
  DEFAULT_TIMEOUT_MS,
  describe,
  integer,
  JOB_NAME,
  JOB_NAME_EXPECTED,
  parseRetry,
  parseSchedule,
  parseScope,
  unknownFieldProblems,
} from "../jobFields.js";
import type { JobModule } from "./JobModule.js";

/** A job module file as the loader found it: where it is, and its default export (undefined when it has none). */
export interface LoadedJobModule {
  /** Relative to the app root, with forward slashes: "jobs/sync-changes.ts". */
  source: string;
  exported: unknown;
}

const FIELDS = new Set([
  "name",
  "description",
  "schedule",
  "scope",
  "deadlineMs",
  "timeoutMs",
  "retry",
  "enabled",
  "settings",
  "input",
  "run",
]);
/** An app setting's name as a job lists it (Azure allows letters, digits, `_`, `.` and `:` in app setting names). */
const SETTING_NAME = /^[A-Za-z_][A-Za-z0-9_.:]{0,127}$/;

/**
 * Pure: checks job modules as parseJobs checks declared jobs, and returns their definitions. Returns the problems
 * (`job '<name>' (<source>).<field>: expected …; got …`) instead of throwing, so the caller lists them with every
 * other setting's: a default export that is not `defineJob({ … })`, an unknown field, a bad name, schedule, scope,
 * deadline (above `defaults.deadlineMs`), timeout, retry policy or `enabled`, a `run` or `input` that is not a
 * function, and — for an enabled job — a setting it lists that is not set. A name used by another module or a declared
 * job (`takenNames`, case-insensitive) is a problem too: each name is one timer, one lease and one history.
 */
export function parseJobModules(
  loaded: readonly LoadedJobModule[],
  defaults: { scope: string; deadlineMs: number },
  env: Readonly<Record<string, string | undefined>>,
  takenNames: readonly { name: string; by: string }[],
): { jobs: readonly CodeJobDefinition[]; problems: readonly string[] } {
  const problems: string[] = [];
  const taken = new Map(takenNames.map(({ name, by }) => [name.toLowerCase(), by]));
  const jobs: CodeJobDefinition[] = [];
  for (const { source, exported } of loaded) {
    const named =
      typeof exported === "object" && exported !== null && typeof Reflect.get(exported, "name") === "string";
    const label = named ? `job '${String(Reflect.get(exported, "name"))}' (${source})` : source;
    const problem = (field: string, expected: string, got: unknown) =>
      problems.push(`${label}.${field}: expected ${expected}; got ${describe(got)}`);
    if (typeof exported !== "object" || exported === null || Array.isArray(exported)) {
      problems.push(
        `${label}: expected a default export \`export default defineJob({ name, schedule, run })\`; got ${exported === undefined ? "no default export" : describe(exported)}`,
      );
      continue;
    }
    const module = exported as Record<string, unknown>;
    problems.push(...unknownFieldProblems(module, FIELDS, label));

    const name = module.name;
    if (typeof name !== "string" || !JOB_NAME.test(name)) {
      problem("name", JOB_NAME_EXPECTED, name);
    } else if (taken.has(name.toLowerCase())) {
      problem("name", `a name no other job has (${taken.get(name.toLowerCase())} has it; rename one)`, name);
    } else {
      taken.set(name.toLowerCase(), source);
    }
    if (module.description !== undefined && typeof module.description !== "string") {
      problem("description", "a string", module.description);
    }
    const { schedule, resolvedSchedule } = parseSchedule(module.schedule, env, problem);

    const scope = parseScope(module.scope, defaults.scope, problem);
    const deadlineMs = integer(
      module.deadlineMs,
      defaults.deadlineMs,
      1_000,
      defaults.deadlineMs,
      "deadlineMs",
      problem,
    );
    const timeoutMs = integer(
      module.timeoutMs,
      Math.min(DEFAULT_TIMEOUT_MS, deadlineMs),
      100,
      deadlineMs,
      "timeoutMs",
      problem,
    );
    const retry = parseRetry(module.retry, problem);
    const enabled = boolean(module.enabled, true, "enabled", problem);
    if (typeof module.run !== "function") problem("run", "an async function run(ctx)", module.run);
    if (module.input !== undefined && typeof module.input !== "function") {
      problem("input", "a function that checks a manual run's JSON and returns the input", module.input);
    }
    const settings = parseSettings(module.settings, env, enabled, problem);

    // A name that is not a string is a problem, and a problem leaves no job returned.
    jobs.push(
      Object.freeze({
        kind: "code" as const,
        name: String(name),
        source,
        schedule,
        resolvedSchedule,
        scope,
        deadlineMs,
        timeoutMs,
        retry,
        enabled,
        keepResponse: true,
        module: exported as JobModule<never, never>,
        settings,
      }),
    );
  }
  return { jobs: problems.length > 0 ? [] : jobs, problems };
}

/** The settings a job lists, with their values; for an enabled job each must be set. */
function parseSettings(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  enabled: boolean,
  problem: (field: string, expected: string, got: unknown) => void,
): Readonly<Record<string, string>> {
  if (value === undefined) return Object.freeze({});
  if (!Array.isArray(value)) {
    problem("settings", "an array of app setting names", value);
    return Object.freeze({});
  }
  const settings: Record<string, string> = {};
  for (const name of value) {
    if (typeof name !== "string" || !SETTING_NAME.test(name)) {
      problem("settings", "app setting names (letters, digits, _ . :)", name);
      continue;
    }
    const set = env[name]?.trim() ?? "";
    // The value is never shown: a job's setting may be a key.
    if (set === "" && enabled) problem(`settings.${name}`, "the app setting to be set", "it is missing");
    settings[name] = set;
  }
  return Object.freeze(settings);
}
