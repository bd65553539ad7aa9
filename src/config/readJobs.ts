import { resolve } from "node:path";
import { ConfigurationError } from "../errors.js";
import type { JobDefinition } from "../jobs/JobDefinition.js";
import { parseJobs } from "../jobs/parseJobs.js";
import type { SettingReader } from "./createSettingReader.js";
import type { Env } from "./Env.js";
import { settings } from "./settings.js";

/**
 * The job definitions: M2M_JOBS (JSON), else the file M2M_JOBS_FILE names (relative to the app root); none when
 * neither is set. A problem in a file is prefixed with the file's name. `scope` and `runDeadlineMs` are the jobs'
 * defaults (a missing M2M_SCOPE is reported once, by the application reader); `env` resolves %SETTING% schedules.
 */
export function readJobs(
  reader: SettingReader,
  options: {
    env: Env;
    readTextFile: (path: string) => string;
    scope: string;
    runDeadlineMs: number;
  },
): readonly JobDefinition[] {
  const jobsJson = reader.read(settings.jobs);
  const jobsFile = reader.read(settings.jobsFile);
  if (jobsJson === undefined && jobsFile === undefined) return [];
  const origin = jobsJson !== undefined ? settings.jobs.name : `${settings.jobsFile.name} ${jobsFile}`;
  let text: string | undefined = jobsJson;
  if (text === undefined) {
    try {
      text = options.readTextFile(resolve(jobsFile!));
    } catch (error) {
      reader.problem(
        `${origin}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)}); set ${settings.jobsFile.name} to a path relative to the app root`,
      );
      return [];
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    reader.problem(
      `${origin}: expected ${settings.jobs.form}; the JSON does not parse (${parseErrorWithoutText(error)})`,
    );
    return [];
  }
  try {
    return parseJobs(
      parsed,
      { scope: options.scope || "missing/.default", deadlineMs: options.runDeadlineMs },
      options.env,
      jobsJson !== undefined ? settings.jobs.name : "jobs",
    );
  } catch (error) {
    // Stryker disable next-line ConditionalExpression: parseJobs throws only ConfigurationError, so no test can reach the rethrow
    if (!(error instanceof ConfigurationError)) throw error;
    for (const problem of error.problems)
      reader.problem(jobsJson !== undefined ? problem : `${origin}: ${problem}`);
    return [];
  }
}

/**
 * JSON.parse's message without the text it quotes: V8 says `Unexpected token 'a', "[{"name":…" is not valid JSON`, and
 * the jobs' text may hold a header's key. The position ("at position 12 (line 1 column 13)") is kept when given.
 */
function parseErrorWithoutText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/, ".*" is not valid JSON$/s, " (not valid JSON)");
}
