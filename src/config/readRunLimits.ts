import type { Config } from "./Config.js";
import type { SettingReader } from "./createSettingReader.js";
import { readRunDeadline } from "./readRunDeadline.js";
import { settings } from "./settings.js";

/**
 * How long a job run may take (M2M_RUN_DEADLINE_SECONDS, checked against host.json's functionTimeout: `hostJson` is
 * the shipped host.json's text, null when there is none) and how much of a response body it reads (M2M_MAX_BODY_BYTES).
 */
export function readRunLimits(
  reader: SettingReader,
  hostJson: string | null,
): Pick<Config, "runDeadlineMs" | "maxBodyBytes"> {
  const runDeadline = readRunDeadline(
    settings.runDeadlineSeconds,
    reader.read(settings.runDeadlineSeconds),
    hostJson,
  );
  if (runDeadline.problem) reader.problem(runDeadline.problem);
  return {
    runDeadlineMs: runDeadline.ms,
    maxBodyBytes: reader.wholeNumber(settings.maxBodyBytes, 1_048_576, 1024, 64 * 1_048_576),
  };
}
