import { isExampleJob } from "../jobs/code/jobModuleFiles.js";
import { parseJobModules, type LoadedJobModule } from "../jobs/code/parseJobModules.js";
import type { CodeJobDefinition, JobDefinition } from "../jobs/JobDefinition.js";
import type { SettingReader } from "./createSettingReader.js";
import type { Env } from "./Env.js";
import { settings } from "./settings.js";

/**
 * The code jobs: the job modules found in jobs/ — and in examples/jobs/ with M2M_EXAMPLE_JOBS — checked (see
 * parseJobModules) against the declared jobs' names. Problems are reported on `reader`, with every other setting's.
 */
export function readCodeJobs(
  reader: SettingReader,
  modules: readonly LoadedJobModule[],
  options: { env: Env; scope: string; runDeadlineMs: number; declared: readonly JobDefinition[] },
): readonly CodeJobDefinition[] {
  const examples = reader.flag(settings.exampleJobs, false);
  const { jobs, problems } = parseJobModules(
    modules.filter((module) => examples || !isExampleJob(module.source)),
    { scope: options.scope || "missing/.default", deadlineMs: options.runDeadlineMs },
    options.env,
    options.declared.map((job) => ({ name: job.name, by: `a declared job (${settings.jobs.name})` })),
  );
  for (const problem of problems) reader.problem(problem);
  return jobs;
}
