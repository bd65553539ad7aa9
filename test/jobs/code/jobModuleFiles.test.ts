import { describe, expect, it } from "vitest";
import { isExampleJob, JOB_FOLDERS, jobModuleNames } from "../../../src/jobs/code/jobModuleFiles.js";

describe("JOB_FOLDERS", () => {
  it("picks job modules up from jobs/ and the examples from examples/jobs/", () => {
    expect(JOB_FOLDERS).toStrictEqual({ jobs: "jobs", examples: "examples/jobs" });
  });
});

describe("jobModuleNames", () => {
  it.each(["sync.ts", "sync.mts", "sync.js", "sync.mjs"])("takes %s as a job module", (name) => {
    expect(jobModuleNames([name])).toStrictEqual([name]);
  });

  it.each([
    ["CommonJS TypeScript", "sync.cts"],
    ["CommonJS", "sync.cjs"],
    ["TSX", "sync.tsx"],
    ["JSON", "sync.json"],
    ["a readme", "README.md"],
    ["a backup of a module", "sync.ts.bak"],
    ["a file without an extension", "ts"],
    ["a name that only ends in the letters", "syncts"],
  ])("leaves out %s (%s)", (_what, name) => {
    expect(jobModuleNames([name])).toStrictEqual([]);
  });

  it.each([
    "sync.test.ts",
    "sync.test.mts",
    "sync.test.js",
    "sync.test.mjs",
    "sync.spec.ts",
    "sync.spec.js",
    "sync.d.ts",
    "sync.d.mts",
  ])("leaves out the test or declaration %s", (name) => {
    expect(jobModuleNames([name])).toStrictEqual([]);
  });

  it.each([
    ["a name containing 'test'", "latest.ts"],
    ["a name ending in 'd'", "feed.ts"],
    ["a name ending in 'spec'", "inspec.ts"],
    ["a module named like its tests' folder", "test.ts"],
    ["a name whose 'test' part is not last", "sync.test.data.ts"],
    ["a name where '.spec.js' only starts a longer part", "openapi.spec.json.ts"],
  ])("takes %s (%s) as a job module", (_what, name) => {
    expect(jobModuleNames([name])).toStrictEqual([name]);
  });

  it("returns the modules sorted, whatever order the folder listed them in", () => {
    expect(jobModuleNames(["zeta.ts", "README.md", "alpha.mjs", "alpha.test.ts", "beta.js"])).toStrictEqual([
      "alpha.mjs",
      "beta.js",
      "zeta.ts",
    ]);
  });

  it("does not change the list it was given", () => {
    const names = Object.freeze(["b.ts", "a.ts"]);
    expect(jobModuleNames(names)).toStrictEqual(["a.ts", "b.ts"]);
    expect(names).toStrictEqual(["b.ts", "a.ts"]);
  });
});

describe("isExampleJob", () => {
  it("is true for a module in examples/jobs/", () => {
    expect(isExampleJob("examples/jobs/graph-users.ts")).toBe(true);
  });

  it.each([
    ["the app's own jobs/", "jobs/sync.ts"],
    ["a folder that only starts like examples/jobs", "examples/jobs-old/sync.ts"],
    ["examples/jobs below another folder", "vendor/examples/jobs/sync.ts"],
  ])("is false for a module in %s", (_what, source) => {
    expect(isExampleJob(source)).toBe(false);
  });
});
