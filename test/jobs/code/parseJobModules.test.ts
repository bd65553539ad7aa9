import { describe, expect, it } from "vitest";
import { parseJobModules, type LoadedJobModule } from "../../../src/jobs/code/parseJobModules.js";
import type { CodeJobDefinition } from "../../../src/jobs/JobDefinition.js";

const defaults = { scope: "api://default/.default", deadlineMs: 540_000 };
const SOURCE = "jobs/sync-changes.ts";
const LABEL = "job 'sync-changes' (jobs/sync-changes.ts)";
const run = () => Promise.resolve(undefined);
const minimal = { name: "sync-changes", schedule: "0 */5 * * * *", run };
const DEFAULT_EXPORT = "expected a default export `export default defineJob({ name, schedule, run })`";
const KNOWN =
  "known: name, description, schedule, scope, deadlineMs, timeoutMs, retry, enabled, settings, input, run";

type Env = Readonly<Record<string, string | undefined>>;

function parse(
  loaded: readonly LoadedJobModule[],
  env: Env = {},
  taken: { name: string; by: string }[] = [],
) {
  return parseJobModules(loaded, defaults, env, taken);
}

/** The problems of one module, which then gives no job. */
function problemsOf(exported: unknown, env: Env = {}): readonly string[] {
  const { jobs, problems } = parse([{ source: SOURCE, exported }], env);
  expect(jobs).toStrictEqual([]);
  return problems;
}

/** The job one module defines, without a problem. */
function jobOf(exported: unknown, env: Env = {}): CodeJobDefinition {
  const { jobs, problems } = parse([{ source: SOURCE, exported }], env);
  expect(problems).toStrictEqual([]);
  expect(jobs).toHaveLength(1);
  return jobs[0]!;
}

describe("parseJobModules: a module that passes", () => {
  it("fills in the defaults for a minimal module", () => {
    const job = jobOf(minimal);
    expect(job).toStrictEqual({
      kind: "code",
      name: "sync-changes",
      source: SOURCE,
      schedule: "0 */5 * * * *",
      resolvedSchedule: "0 */5 * * * *",
      scope: "api://default/.default",
      deadlineMs: 540_000,
      timeoutMs: 30_000,
      retry: { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 },
      enabled: true,
      keepResponse: true,
      module: minimal,
      settings: {},
    });
    expect(job.module).toBe(minimal);
    expect(Object.isFrozen(job)).toBe(true);
    expect(Object.isFrozen(job.settings)).toBe(true);
  });

  it("takes every field a module sets", () => {
    const input = (raw: unknown) => raw;
    const module = {
      name: "Sync-Changes",
      description: "Pushes the day's changes",
      schedule: "%SYNC_SCHEDULE%",
      scope: "api://sync/.default",
      deadlineMs: 60_000,
      timeoutMs: 5_000,
      retry: { maxAttempts: 2 },
      enabled: false,
      settings: ["SYNC_SOURCE_URL", "SYNC_TARGET"],
      input,
      run,
    };
    const env = { SYNC_SCHEDULE: "0 0 * * * *", SYNC_SOURCE_URL: " https://source.example/changes " };
    expect(jobOf(module, env)).toStrictEqual({
      kind: "code",
      name: "Sync-Changes",
      source: SOURCE,
      schedule: "%SYNC_SCHEDULE%",
      resolvedSchedule: "0 0 * * * *",
      scope: "api://sync/.default",
      deadlineMs: 60_000,
      timeoutMs: 5_000,
      retry: { maxAttempts: 2, baseDelayMs: 500, maxDelayMs: 30_000 },
      enabled: false,
      keepResponse: true,
      module,
      settings: { SYNC_SOURCE_URL: "https://source.example/changes", SYNC_TARGET: "" },
    });
  });

  it("keeps a setting's value, trimmed, and freezes the settings", () => {
    const job = jobOf(
      { ...minimal, settings: ["SYNC_SOURCE_URL"] },
      { SYNC_SOURCE_URL: "\thttps://source.example " },
    );
    expect(job.settings).toStrictEqual({ SYNC_SOURCE_URL: "https://source.example" });
    expect(Object.isFrozen(job.settings)).toBe(true);
  });

  it("returns every module's job, in order", () => {
    const { jobs, problems } = parse([
      { source: "jobs/a.ts", exported: { ...minimal, name: "a" } },
      { source: "jobs/b.ts", exported: { ...minimal, name: "b" } },
    ]);
    expect(problems).toStrictEqual([]);
    expect(jobs.map((job) => [job.name, job.source])).toStrictEqual([
      ["a", "jobs/a.ts"],
      ["b", "jobs/b.ts"],
    ]);
  });

  it("returns no job and no problem for no modules", () => {
    expect(parse([])).toStrictEqual({ jobs: [], problems: [] });
  });
});

describe("parseJobModules: the default export", () => {
  it.each([
    ["nothing", undefined, "no default export"],
    ["null", null, "null"],
    ["an array", [minimal.name], '["sync-changes"]'],
    ["a function", run, "a function"],
    ["a string", "sync-changes", '"sync-changes"'],
  ])("refuses %s, naming the file", (_what, exported, got) => {
    expect(problemsOf(exported)).toStrictEqual([`${SOURCE}: ${DEFAULT_EXPORT}; got ${got}`]);
  });

  it("names the file alone for a module without a string name", () => {
    expect(problemsOf({ ...minimal, name: 5 })).toStrictEqual([
      `${SOURCE}.name: expected a name of letters, digits and dashes starting with a letter (at most 63); got 5`,
    ]);
  });

  it("names the file alone for a module without a name", () => {
    expect(problemsOf({ schedule: minimal.schedule, run })).toStrictEqual([
      `${SOURCE}.name: expected a name of letters, digits and dashes starting with a letter (at most 63); got nothing`,
    ]);
  });

  it("refuses a name that is not a string, even one that reads as a name", () => {
    expect(problemsOf({ ...minimal, name: ["sync-changes"] })).toStrictEqual([
      `${SOURCE}.name: expected a name of letters, digits and dashes starting with a letter (at most 63); got ["sync-changes"]`,
    ]);
  });

  it("names the job and the file for a module with a name", () => {
    expect(problemsOf({ ...minimal, name: "sync changes" })).toStrictEqual([
      "job 'sync changes' (jobs/sync-changes.ts).name: expected a name of letters, digits and dashes starting with a letter (at most 63); got \"sync changes\"",
    ]);
  });

  it("refuses each field it does not know, listing the ones it does", () => {
    expect(problemsOf({ ...minimal, retries: 3, Schedule: "x" })).toStrictEqual([
      `${LABEL}.retries: unknown field (${KNOWN})`,
      `${LABEL}.Schedule: unknown field (${KNOWN})`,
    ]);
  });
});

describe("parseJobModules: names", () => {
  it("refuses a name a declared job has, regardless of case", () => {
    const { jobs, problems } = parse([{ source: SOURCE, exported: minimal }], {}, [
      { name: "Sync-Changes", by: "M2M_JOBS[2]" },
    ]);
    expect(jobs).toStrictEqual([]);
    expect(problems).toStrictEqual([
      `${LABEL}.name: expected a name no other job has (M2M_JOBS[2] has it; rename one); got "sync-changes"`,
    ]);
  });

  it("refuses a name another module has, regardless of case, naming the first module", () => {
    const { jobs, problems } = parse([
      { source: "jobs/a.ts", exported: { ...minimal, name: "Sync-Changes" } },
      { source: "jobs/b.ts", exported: { ...minimal, name: "sync-changes" } },
      { source: "jobs/c.ts", exported: { ...minimal, name: "SYNC-CHANGES" } },
    ]);
    expect(jobs).toStrictEqual([]);
    expect(problems).toStrictEqual([
      `job 'sync-changes' (jobs/b.ts).name: expected a name no other job has (jobs/a.ts has it; rename one); got "sync-changes"`,
      `job 'SYNC-CHANGES' (jobs/c.ts).name: expected a name no other job has (jobs/a.ts has it; rename one); got "SYNC-CHANGES"`,
    ]);
  });

  it("lets a name another job does not take pass beside the taken ones", () => {
    const { problems } = parse([{ source: SOURCE, exported: minimal }], {}, [
      { name: "report-sync", by: "M2M_JOBS[0]" },
    ]);
    expect(problems).toStrictEqual([]);
  });
});

describe("parseJobModules: fields", () => {
  it("refuses a description that is not a string", () => {
    expect(problemsOf({ ...minimal, description: 5 })).toStrictEqual([
      `${LABEL}.description: expected a string; got 5`,
    ]);
  });

  it("resolves a %SETTING% schedule, and refuses one whose setting is missing", () => {
    expect(
      jobOf({ ...minimal, schedule: "%SYNC_SCHEDULE%" }, { SYNC_SCHEDULE: "0 0 * * * *" }),
    ).toMatchObject({
      schedule: "%SYNC_SCHEDULE%",
      resolvedSchedule: "0 0 * * * *",
    });
    expect(problemsOf({ ...minimal, schedule: "%SYNC_SCHEDULE%" })).toStrictEqual([
      `${LABEL}.schedule: expected app setting SYNC_SCHEDULE (referenced by %SYNC_SCHEDULE%) to be set; got "it is missing"`,
    ]);
  });

  it("refuses a schedule that is not NCRONTAB", () => {
    expect(problemsOf({ ...minimal, schedule: "*/5 * * * *" })).toStrictEqual([
      `${LABEL}.schedule: expected a six-field NCRONTAB expression (NCRONTAB needs six fields ({second} {minute} {hour} {day} {month} {day-of-week}); got 5); got "*/5 * * * *"`,
    ]);
  });

  it.each([
    ["a resource's URI", "api://sync/.default"],
    ["a URL", "https://graph.microsoft.com/.default"],
  ])("takes %s as the scope", (_what, scope) => {
    expect(jobOf({ ...minimal, scope }).scope).toBe(scope);
  });

  it.each([
    ["a scope without /.default", "api://sync", '"api://sync"'],
    ["a scope with more after /.default", "api://sync/.defaults", '"api://sync/.defaults"'],
    ["a scope without a resource", "/.default", '"/.default"'],
    ["a scope with a space", "api://a b/.default", '"api://a b/.default"'],
    ["a scope without the dot", "api://sync/xdefault", '"api://sync/xdefault"'],
    ["a scope that is not a string", 5, "5"],
    ["a list of one scope", ["api://sync/.default"], '["api://sync/.default"]'],
  ])("refuses %s", (_what, scope, got) => {
    expect(problemsOf({ ...minimal, scope })).toStrictEqual([
      `${LABEL}.scope: expected <resource>/.default; got ${got}`,
    ]);
  });

  it.each([1_000, 540_000])("takes a deadline of %s ms, the bounds included", (deadlineMs) => {
    expect(jobOf({ ...minimal, deadlineMs }).deadlineMs).toBe(deadlineMs);
  });

  it.each([999, 540_001, 1_500.5])(
    "refuses a deadline of %s ms, above the app's cap or below a second",
    (deadlineMs) => {
      expect(problemsOf({ ...minimal, deadlineMs })).toStrictEqual([
        `${LABEL}.deadlineMs: expected a whole number from 1000 to 540000; got ${deadlineMs}`,
      ]);
    },
  );

  it("caps the deadline at the app's, whatever it is", () => {
    const { problems } = parseJobModules(
      [{ source: SOURCE, exported: { ...minimal, deadlineMs: 60_000 } }],
      { ...defaults, deadlineMs: 30_000 },
      {},
      [],
    );
    expect(problems).toStrictEqual([
      `${LABEL}.deadlineMs: expected a whole number from 1000 to 30000; got 60000`,
    ]);
  });

  it("fits the default attempt timeout (30 s) inside a shorter deadline", () => {
    expect(jobOf({ ...minimal, deadlineMs: 10_000 })).toMatchObject({
      deadlineMs: 10_000,
      timeoutMs: 10_000,
    });
    const { jobs } = parseJobModules(
      [{ source: SOURCE, exported: minimal }],
      { ...defaults, deadlineMs: 20_000 },
      {},
      [],
    );
    expect(jobs[0]).toMatchObject({ deadlineMs: 20_000, timeoutMs: 20_000 });
  });

  it.each([100, 10_000])("takes an attempt timeout of %s ms, up to the job's deadline", (timeoutMs) => {
    expect(jobOf({ ...minimal, deadlineMs: 10_000, timeoutMs }).timeoutMs).toBe(timeoutMs);
  });

  it.each([99, 10_001])(
    "refuses an attempt timeout of %s ms, below 100 ms or above the job's deadline",
    (timeoutMs) => {
      expect(problemsOf({ ...minimal, deadlineMs: 10_000, timeoutMs })).toStrictEqual([
        `${LABEL}.timeoutMs: expected a whole number from 100 to 10000; got ${timeoutMs}`,
      ]);
    },
  );

  it("checks the timeout against the app's deadline when the job's is refused", () => {
    expect(problemsOf({ ...minimal, deadlineMs: 0, timeoutMs: 600_000 })).toStrictEqual([
      `${LABEL}.deadlineMs: expected a whole number from 1000 to 540000; got 0`,
      `${LABEL}.timeoutMs: expected a whole number from 100 to 540000; got 600000`,
    ]);
  });

  it("refuses a retry policy that is not an object, and a field out of range", () => {
    expect(problemsOf({ ...minimal, retry: 3 })).toStrictEqual([
      `${LABEL}.retry: expected { maxAttempts, baseDelayMs, maxDelayMs }; got 3`,
    ]);
    expect(problemsOf({ ...minimal, retry: { maxAttempts: 0 } })).toStrictEqual([
      `${LABEL}.retry.maxAttempts: expected a whole number from 1 to 20; got 0`,
    ]);
  });

  it("refuses enabled that is not true or false", () => {
    expect(problemsOf({ ...minimal, enabled: "no" })).toStrictEqual([
      `${LABEL}.enabled: expected true or false; got "no"`,
    ]);
  });

  it.each([
    ["missing", undefined, "nothing"],
    ["not a function", "run", '"run"'],
  ])("refuses a run that is %s", (_what, value, got) => {
    expect(problemsOf({ ...minimal, run: value })).toStrictEqual([
      `${LABEL}.run: expected an async function run(ctx); got ${got}`,
    ]);
  });

  it("refuses an input that is not a function", () => {
    expect(problemsOf({ ...minimal, input: { since: "string" } })).toStrictEqual([
      `${LABEL}.input: expected a function that checks a manual run's JSON and returns the input; got {"since":"string"}`,
    ]);
  });
});

describe("parseJobModules: settings", () => {
  it.each(["A", "_x", "sync_Source.url:v2", `a${"B".repeat(127)}`])("takes the setting name %s", (name) => {
    expect(jobOf({ ...minimal, settings: [name] }, { [name]: "set" }).settings).toStrictEqual({
      [name]: "set",
    });
  });

  it.each([
    ["starting with a digit", "1SYNC", '"1SYNC"'],
    ["with a dash", "SYNC-URL", '"SYNC-URL"'],
    ["with a space", "SYNC URL", '"SYNC URL"'],
    ["empty", "", '""'],
    ["of 129 characters", `a${"B".repeat(128)}`, `"a${"B".repeat(75)}...`],
    ["that is not a string", 5, "5"],
    ["that is null", null, "null"],
  ])("refuses a setting name %s", (_what, name, got) => {
    expect(problemsOf({ ...minimal, settings: [name] }, { SYNC: "set" })).toStrictEqual([
      `${LABEL}.settings: expected app setting names (letters, digits, _ . :); got ${got}`,
    ]);
  });

  it("refuses settings that are not an array", () => {
    expect(
      problemsOf({ ...minimal, settings: "SYNC" }, { SYNC: "x", S: "x", Y: "x", N: "x", C: "x" }),
    ).toStrictEqual([`${LABEL}.settings: expected an array of app setting names; got "SYNC"`]);
  });

  it.each([
    ["missing", {}],
    ["empty", { SYNC_SOURCE_URL: "" }],
    ["only white space", { SYNC_SOURCE_URL: " \n" }],
  ])("refuses an enabled job whose setting is %s", (_what, env) => {
    expect(
      problemsOf({ ...minimal, settings: ["SYNC_SOURCE_URL", "SYNC_TARGET"] }, { ...env, SYNC_TARGET: "t" }),
    ).toStrictEqual([
      `${LABEL}.settings.SYNC_SOURCE_URL: expected the app setting to be set; got "it is missing"`,
    ]);
  });

  it("lets a disabled job's setting be missing", () => {
    expect(jobOf({ ...minimal, enabled: false, settings: ["SYNC_SOURCE_URL"] }).settings).toStrictEqual({
      SYNC_SOURCE_URL: "",
    });
  });

  it("never shows a setting's value in a problem", () => {
    const env = { SYNC_KEY: "s3cr3t-value", SYNC_SCHEDULE: "0 0 * * * *" };
    const problems = problemsOf(
      {
        ...minimal,
        schedule: "%SYNC_SCHEDULE%",
        settings: ["SYNC_KEY", "SYNC_MISSING", "bad name"],
        retry: [],
      },
      env,
    );
    expect(problems).toHaveLength(3);
    for (const problem of problems) expect(problem).not.toContain("s3cr3t-value");
  });
});

describe("parseJobModules: problems", () => {
  it("returns no job when any module has a problem, listing only the problems", () => {
    const { jobs, problems } = parse([
      { source: "jobs/a.ts", exported: { ...minimal, name: "a" } },
      { source: "jobs/b.ts", exported: { ...minimal, name: "b", enabled: 1 } },
      { source: "jobs/c.ts", exported: { ...minimal, name: "c" } },
    ]);
    expect(jobs).toStrictEqual([]);
    expect(problems).toStrictEqual(["job 'b' (jobs/b.ts).enabled: expected true or false; got 1"]);
  });

  it("lists every problem of a module, in the order of its fields", () => {
    expect(
      problemsOf({
        name: "x_y",
        description: 1,
        schedule: "",
        scope: "x",
        deadlineMs: 1,
        timeoutMs: 1,
        retry: "r",
        enabled: "y",
        run: 1,
        input: 1,
        settings: 1,
        extra: 1,
      }),
    ).toStrictEqual([
      "job 'x_y' (jobs/sync-changes.ts).extra: unknown field (" + KNOWN + ")",
      "job 'x_y' (jobs/sync-changes.ts).name: expected a name of letters, digits and dashes starting with a letter (at most 63); got \"x_y\"",
      "job 'x_y' (jobs/sync-changes.ts).description: expected a string; got 1",
      'job \'x_y\' (jobs/sync-changes.ts).schedule: expected a six-field NCRONTAB expression ("0 */5 * * * *") or a %SETTING% reference; got ""',
      "job 'x_y' (jobs/sync-changes.ts).scope: expected <resource>/.default; got \"x\"",
      "job 'x_y' (jobs/sync-changes.ts).deadlineMs: expected a whole number from 1000 to 540000; got 1",
      "job 'x_y' (jobs/sync-changes.ts).timeoutMs: expected a whole number from 100 to 540000; got 1",
      "job 'x_y' (jobs/sync-changes.ts).retry: expected { maxAttempts, baseDelayMs, maxDelayMs }; got \"r\"",
      "job 'x_y' (jobs/sync-changes.ts).enabled: expected true or false; got \"y\"",
      "job 'x_y' (jobs/sync-changes.ts).run: expected an async function run(ctx); got 1",
      "job 'x_y' (jobs/sync-changes.ts).input: expected a function that checks a manual run's JSON and returns the input; got 1",
      "job 'x_y' (jobs/sync-changes.ts).settings: expected an array of app setting names; got 1",
    ]);
  });
});
