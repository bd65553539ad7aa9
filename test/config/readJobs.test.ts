import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { createSettingReader } from "../../src/config/createSettingReader.js";
import { readJobs } from "../../src/config/readJobs.js";

const job = { name: "sync", schedule: "0 0 * * * *", request: { url: "https://api.test/sync" } };

function read(
  env: Record<string, string>,
  files: Record<string, string> = {},
  scope = "api://reports/.default",
) {
  const reader = createSettingReader(env);
  const readTextFile = (path: string) => {
    const text = files[path];
    if (text === undefined) throw Object.assign(new Error("missing"), { code: "ENOENT" });
    return text;
  };
  return {
    value: readJobs(reader, { env, readTextFile, scope, runDeadlineMs: 60_000 }),
    problems: reader.problems,
  };
}

describe("readJobs", () => {
  it("has no jobs when neither M2M_JOBS nor M2M_JOBS_FILE is set", () => {
    expect(read({})).toEqual({ value: [], problems: [] });
  });

  it("reads M2M_JOBS before the file, with the scope and deadline as defaults", () => {
    const { value, problems } = read(
      { M2M_JOBS: JSON.stringify([job]), M2M_JOBS_FILE: "jobs.json" },
      { [resolve("jobs.json")]: JSON.stringify([{ ...job, name: "other" }]) },
    );
    expect(problems).toEqual([]);
    expect(value.map((j) => [j.name, j.scope, j.deadlineMs])).toEqual([
      ["sync", "api://reports/.default", 60_000],
    ]);
  });

  it("reads the file relative to the app root, and names it in problems", () => {
    const files = {
      [resolve("jobs.json")]: JSON.stringify([job]),
      [resolve("bad.json")]: JSON.stringify([{ ...job, timeoutMs: -1 }]),
    };
    expect(read({ M2M_JOBS_FILE: "jobs.json" }, files).value.map((j) => j.name)).toEqual(["sync"]);
    expect(read({ M2M_JOBS_FILE: "bad.json" }, files)).toEqual({
      value: [],
      problems: [
        "M2M_JOBS_FILE bad.json: job 'sync' (jobs[0]).timeoutMs: expected a whole number from 100 to 60000; got -1",
      ],
    });
    expect(read({ M2M_JOBS: JSON.stringify([{ ...job, timeoutMs: -1 }]) })).toEqual({
      value: [],
      problems: ["job 'sync' (M2M_JOBS[0]).timeoutMs: expected a whole number from 100 to 60000; got -1"],
    });
  });

  it("says when the file cannot be read", () => {
    expect(read({ M2M_JOBS_FILE: "nope.json" })).toEqual({
      value: [],
      problems: [
        "M2M_JOBS_FILE nope.json: cannot read the file (ENOENT); set M2M_JOBS_FILE to a path relative to the app root",
      ],
    });
    const reader = createSettingReader({ M2M_JOBS_FILE: "odd.json" });
    readJobs(reader, {
      env: {},
      readTextFile: () => {
        throw new Error("no code");
      },
      scope: "",
      runDeadlineMs: 60_000,
    });
    expect(reader.problems).toEqual([
      "M2M_JOBS_FILE odd.json: cannot read the file (Error: no code); set M2M_JOBS_FILE to a path relative to the app root",
    ]);
  });

  it("says when the JSON does not parse", () => {
    expect(read({ M2M_JOBS: "[{" }).value).toEqual([]);
    expect(read({ M2M_JOBS: "[{" }).problems).toEqual([
      expect.stringMatching(
        /^M2M_JOBS: expected JSON array of job definitions \(see README: Jobs\); the JSON does not parse \(.+\)$/,
      ),
    ]);
    expect(read({ M2M_JOBS_FILE: "jobs.json" }, { [resolve("jobs.json")]: "nope" }).problems).toEqual([
      expect.stringMatching(
        /^M2M_JOBS_FILE jobs\.json: expected JSON array of job definitions .*; the JSON does not parse/,
      ),
    ]);
  });

  it("does not quote the jobs' text when the JSON does not parse (a header value may be a key)", () => {
    expect(read({ M2M_JOBS: "api-key-0123456789" }).problems).toEqual([
      "M2M_JOBS: expected JSON array of job definitions (see README: Jobs); the JSON does not parse (Unexpected token 'a' (not valid JSON))",
    ]);
    expect(read({ M2M_JOBS: '[{"name": "x"' }).problems).toEqual([
      "M2M_JOBS: expected JSON array of job definitions (see README: Jobs); the JSON does not parse (Expected ',' or '}' after property value in JSON at position 13 (line 1 column 14))",
    ]);
  });

  it("gives jobs a placeholder scope when M2M_SCOPE is missing (reported once, by readApplication)", () => {
    const { value, problems } = read({ M2M_JOBS: JSON.stringify([job]) }, {}, "");
    expect(problems).toEqual([]);
    expect(value[0]?.scope).toBe("missing/.default");
  });
});
