import { ncrontabProblem } from "../jobs/nextOccurrence.js";
import type { SettingReader } from "./createSettingReader.js";
import { settings } from "./settings.js";

/**
 * M2M_CERT_CHECK_SCHEDULE, when set, must be an expression the Functions host accepts. The host reads it itself
 * (the certificate timer's schedule is %M2M_CERT_CHECK_SCHEDULE%); checking it here makes a bad one a start-up
 * error that names it, not a host that silently never runs the check.
 */
export function checkCertificateSchedule(reader: SettingReader): void {
  const schedule = reader.read(settings.certificateCheckSchedule);
  if (schedule === undefined) return;
  const problem = ncrontabProblem(schedule);
  if (problem) reader.invalid(settings.certificateCheckSchedule, schedule, problem);
}
