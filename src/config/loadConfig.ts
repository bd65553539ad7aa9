import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseExpiryPolicy } from "../certificates/parseExpiryPolicy.js";
import { ConfigurationError } from "../errors.js";
import { checkCertificateSchedule } from "./checkCertificateSchedule.js";
import type { Config } from "./Config.js";
import { createSettingReader } from "./createSettingReader.js";
import type { Env } from "./Env.js";
import { readAlertChannels } from "./readAlertChannels.js";
import { readApplication } from "./readApplication.js";
import { readCredential } from "./readCredential.js";
import type { LoadedJobModule } from "../jobs/code/parseJobModules.js";
import { readCodeJobs } from "./readCodeJobs.js";
import { readJobs } from "./readJobs.js";
import { readRotation } from "./readRotation.js";
import { readRunLimits } from "./readRunLimits.js";
import { readStorage } from "./readStorage.js";
import { readWatch } from "./readWatch.js";
import { settings } from "./settings.js";

export type { Env } from "./Env.js";

/**
 * Reads the app settings once, checks all of them and returns a frozen Config — or throws one
 * ConfigurationError listing every missing or invalid setting with the expected form and the value given
 * (secrets as <redacted>). Each part of the settings has its reader; all record their problems on one
 * SettingReader, so the error lists them in the order they were read.
 */
export function loadConfig(
  env: Env,
  readTextFile: (path: string) => string = (path) => readFileSync(path, "utf8"),
  options: { jobModules?: readonly LoadedJobModule[] } = {},
): Config {
  const reader = createSettingReader(env);
  const application = readApplication(reader);
  const credential = readCredential(reader);
  const limits = readRunLimits(reader, readHostJson(readTextFile));
  const afterFailures = reader.wholeNumber(settings.alertAfterFailures, 3, 1, 1000);
  const retentionDays = reader.wholeNumber(settings.retentionDays, 30, 1, 3650);
  const alerts = { ...readAlertChannels(reader), afterFailures };
  const storage = readStorage(env, reader, credential.managedIdentityClientId);
  checkCertificateSchedule(reader);
  const expiry = parseExpiryPolicy(env);
  for (const problem of expiry.problems) reader.problem(problem);
  const rotation = readRotation(reader);
  const watch = readWatch(reader, credential.credential);
  const jobs = readJobs(reader, {
    env,
    readTextFile,
    scope: application.scope,
    runDeadlineMs: limits.runDeadlineMs,
  });
  const codeJobs = readCodeJobs(reader, options.jobModules ?? [], {
    env,
    scope: application.scope,
    runDeadlineMs: limits.runDeadlineMs,
    declared: jobs,
  });

  if (reader.problems.length > 0) throw new ConfigurationError(reader.problems);
  return deepFreeze({
    ...application,
    authority: `${application.authorityHost}/${application.tenantId}`,
    ...credential,
    jobs: [...jobs, ...codeJobs],
    ...limits,
    storage,
    retentionDays,
    alerts,
    rotation,
    expiry: expiry.policy,
    watch,
  });
}

/** The shipped host.json, at the app root like M2M_JOBS_FILE's paths; null where there is none (a test, a tool). */
function readHostJson(readTextFile: (path: string) => string): string | null {
  try {
    return readTextFile(resolve("host.json"));
  } catch {
    return null;
  }
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const child of Object.values(value)) {
    if (child && typeof child === "object") deepFreeze(child as object);
  }
  return Object.freeze(value);
}
