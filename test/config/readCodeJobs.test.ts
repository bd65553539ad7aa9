import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/loadConfig.js";
import { ConfigurationError } from "../../src/errors.js";
import { defineJob } from "../../src/jobs/code/defineJob.js";
import { loadJobModules } from "../../src/jobs/code/loadJobModules.js";
import type { LoadedJobModule } from "../../src/jobs/code/parseJobModules.js";

const base = {
  M2M_TENANT_ID: "72f988bf-86f1-41af-91ab-2d7cd011db47",
  M2M_CLIENT_ID: "11111111-2222-3333-4444-555555555555",
  M2M_SCOPE: "api://reports/.default",
  M2M_KEYVAULT_URL: "https://kv-m2m.vault.azure.net/",
  M2M_KEYVAULT_CERTIFICATE_NAME: "m2m-client",
  AzureWebJobsStorage: "UseDevelopmentStorage=true",
};
const mine: LoadedJobModule = {
  source: "jobs/report.ts",
  exported: defineJob({ name: "Report", schedule: "0 0 6 * * *", run: () => Promise.resolve() }),
};
const load = (env: Record<string, string>, jobModules: readonly LoadedJobModule[]) =>
  loadConfig(env, undefined, { jobModules });

describe("code jobs in the configuration", () => {
  it("come after the declared jobs, with the app's scope and deadline as defaults", () => {
    const config = load(
      {
        ...base,
        M2M_JOBS: JSON.stringify([
          { name: "pull", schedule: "0 * * * * *", request: { url: "https://a.example/x" } },
        ]),
      },
      [mine],
    );
    expect(config.jobs.map((job) => [job.kind, job.name])).toEqual([
      ["http", "pull"],
      ["code", "Report"],
    ]);
    expect(config.jobs[1]).toMatchObject({
      scope: "api://reports/.default",
      deadlineMs: config.runDeadlineMs,
    });
  });

  it("refuses a module named like a declared job (regardless of case), with every other problem", () => {
    const clash = JSON.stringify([
      { name: "report", schedule: "0 * * * * *", request: { url: "https://a.example/x" } },
    ]);
    try {
      load({ ...base, M2M_JOBS: clash, M2M_SCOPE: "" }, [mine]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).problems).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^M2M_SCOPE/),
          "job 'Report' (jobs/report.ts).name: expected a name no other job has (a declared job (M2M_JOBS) has it; rename one); got \"Report\"",
        ]),
      );
    }
  });

  it("leaves the example modules out unless M2M_EXAMPLE_JOBS is on, and then checks their settings", async () => {
    const modules = await loadJobModules();
    expect(modules.map((m) => m.source)).toEqual(
      expect.arrayContaining(["examples/jobs/directory-report.ts", "examples/jobs/sync-changes.ts"]),
    );
    expect(load(base, modules).jobs.filter((job) => job.kind === "code")).toEqual([]);
    expect(() => load({ ...base, M2M_EXAMPLE_JOBS: "true" }, modules)).toThrow(
      /job 'sync-changes' \(examples\/jobs\/sync-changes\.ts\)\.settings\.SYNC_SOURCE_URL: expected the app setting to be set; got "it is missing"/,
    );
    const on = load(
      {
        ...base,
        M2M_EXAMPLE_JOBS: "true",
        SYNC_SOURCE_URL: "https://source.example",
        SYNC_TARGET_URL: "https://target.example",
        SYNC_SCHEDULE: "0 */15 * * * *",
        DIRECTORY_REPORT_SCHEDULE: "0 0 6 * * *",
      },
      modules,
    );
    expect(on.jobs.map((job) => job.name)).toEqual(["directory-report", "sync-changes"]);
  });
});
