import { parseFunctionTimeout } from "./parseFunctionTimeout.js";

/** A run's deadline when M2M_RUN_DEADLINE_SECONDS is not set (and host.json allows it). */
export const DEFAULT_RUN_DEADLINE_MS = 540_000;
/** Time kept between a run's deadline and the host's functionTimeout, to record the run and alert after it. */
export const RECORD_MARGIN_MS = 30_000;
const MIN_SECONDS = 5;
const MAX_SECONDS = 3600;

/**
 * Pure: the run deadline from M2M_RUN_DEADLINE_SECONDS (`value`, trimmed, undefined when unset) checked against
 * the shipped host.json (`hostJson`, its text; null when there is none to read). The host kills an invocation at
 * `functionTimeout` without a word, so a deadline must end {@link RECORD_MARGIN_MS} before it: then a run that runs
 * out of time is still recorded and alerted. Unset, the deadline is 540 s, or less when host.json allows less.
 * `problem` is the line for the configuration error, or null.
 */
export function readRunDeadline(
  setting: { name: string; form: string },
  value: string | undefined,
  hostJson: string | null,
): { ms: number; problem: string | null } {
  const refused = (why: string) => ({
    ms: DEFAULT_RUN_DEADLINE_MS,
    problem: `${setting.name}: expected ${setting.form} (${why}); got ${JSON.stringify(value)}`,
  });
  const { limit, problem } = functionTimeoutOf(hostJson);
  if (problem) return { ms: DEFAULT_RUN_DEADLINE_MS, problem };
  if (
    value !== undefined &&
    !(/^\d+$/.test(value) && Number(value) >= MIN_SECONDS && Number(value) <= MAX_SECONDS)
  ) {
    return refused(`${MIN_SECONDS}..${MAX_SECONDS}`);
  }
  const wantedMs = value === undefined ? DEFAULT_RUN_DEADLINE_MS : Number(value) * 1000;
  if (limit === null) return { ms: wantedMs, problem: null };

  const capSeconds = Math.floor((limit.ms - RECORD_MARGIN_MS) / 1000);
  const fits = `host.json's functionTimeout is ${limit.text}, and a run needs ${RECORD_MARGIN_MS / 1000} s after its deadline to be recorded and alerted`;
  if (wantedMs <= capSeconds * 1000) return { ms: wantedMs, problem: null };
  if (value !== undefined)
    return refused(`at most ${capSeconds}: ${fits}; lower the setting or raise functionTimeout`);
  // Unset: the default shrinks to fit, as long as a run keeps some time.
  if (capSeconds >= MIN_SECONDS) return { ms: capSeconds * 1000, problem: null };
  return {
    ms: DEFAULT_RUN_DEADLINE_MS,
    problem: `${setting.name}: no deadline leaves a run time: ${fits}; raise functionTimeout in host.json`,
  };
}

/** host.json's limit on an invocation: null when there is none to keep to (no host.json, or -1). */
function functionTimeoutOf(hostJson: string | null): {
  limit: { ms: number; text: string } | null;
  problem: string | null;
} {
  if (hostJson === null) return { limit: null, problem: null };
  let value: unknown;
  try {
    value = (JSON.parse(hostJson) as { functionTimeout?: unknown }).functionTimeout;
  } catch {
    return { limit: null, problem: "host.json is not valid JSON, so its functionTimeout cannot be checked" };
  }
  // Without functionTimeout the host applies its plan's default, 5 minutes on the Consumption plan: the strictest.
  if (value === undefined)
    return { limit: { ms: 300_000, text: "not set (5 minutes on the Consumption plan)" }, problem: null };
  const timeout = parseFunctionTimeout(value);
  if (timeout.kind === "invalid") {
    return {
      limit: null,
      problem: `host.json's functionTimeout ${JSON.stringify(value)} is not a TimeSpan ("00:10:00") or -1`,
    };
  }
  return {
    limit: timeout.kind === "limited" ? { ms: timeout.ms, text: JSON.stringify(value) } : null,
    problem: null,
  };
}
