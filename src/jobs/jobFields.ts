import { scrubSecrets } from "../net/scrubSecrets.js";
import type { RetryPolicy } from "./JobDefinition.js";
import { ncrontabProblem } from "./nextOccurrence.js";

/** Reports one field's problem: `<label>.<field>: expected …; got …`. */
export type FieldProblem = (field: string, expected: string, got: unknown) => void;

/** A job's name: it becomes part of a function name (`job-<name>`) and a table key. */
export const JOB_NAME = /^[A-Za-z][A-Za-z0-9-]{0,62}$/;
/** The words for a name that does not match JOB_NAME. */
export const JOB_NAME_EXPECTED = "a name of letters, digits and dashes starting with a letter (at most 63)";
/** An attempt's timeout when the job sets none (or the deadline, when that is shorter). */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** A job's retry policy when it sets none, or the fields it leaves out. */
export const DEFAULT_RETRY: RetryPolicy = Object.freeze({
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
});

const SETTING_REFERENCE = /^%([A-Za-z0-9_.:-]+)%$/;
/** A token scope as the client credentials grant takes it: `<resource>/.default`. */
const DEFAULT_SCOPE = /^\S+\/\.default$/;

/** Whether `value` is a scope the client credentials grant takes: `<resource>/.default`. */
export function isDefaultScope(value: unknown): value is string {
  return typeof value === "string" && DEFAULT_SCOPE.test(value);
}

/** A job's scope: `fallback` when it names none; one that is not `<resource>/.default` is a problem. */
export function parseScope(value: unknown, fallback: string, problem: FieldProblem): string {
  if (value === undefined) return fallback;
  if (isDefaultScope(value)) return value;
  problem("scope", "<resource>/.default", value);
  return fallback;
}

/** The problems of a job's fields that are not among `known`: `<label>.<field>: unknown field (known: …)`. */
export function unknownFieldProblems(job: object, known: ReadonlySet<string>, label: string): string[] {
  return Object.keys(job)
    .filter((key) => !known.has(key))
    .map((key) => `${label}.${key}: unknown field (known: ${[...known].join(", ")})`);
}

/**
 * A job's schedule — six-field NCRONTAB or a %SETTING% reference, resolved from `env` (the host resolves it the same
 * way) — and what it resolves to. A problem leaves both empty or unresolved and is reported.
 */
export function parseSchedule(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  problem: FieldProblem,
): { schedule: string; resolvedSchedule: string } {
  if (typeof value !== "string" || value.trim() === "") {
    problem("schedule", 'a six-field NCRONTAB expression ("0 */5 * * * *") or a %SETTING% reference', value);
    return { schedule: "", resolvedSchedule: "" };
  }
  const schedule = value.trim();
  const reference = SETTING_REFERENCE.exec(schedule);
  const resolvedSchedule = reference ? (env[reference[1]!]?.trim() ?? "") : schedule;
  if (reference && resolvedSchedule === "") {
    problem("schedule", `app setting ${reference[1]} (referenced by ${schedule}) to be set`, "it is missing");
  } else {
    const why = ncrontabProblem(resolvedSchedule);
    if (why)
      problem(
        "schedule",
        `a six-field NCRONTAB expression (${why})`,
        reference ? `${schedule} = ${resolvedSchedule}` : schedule,
      );
  }
  return { schedule, resolvedSchedule };
}

/** A job's retry policy: DEFAULT_RETRY for what it leaves out. */
export function parseRetry(value: unknown, problem: FieldProblem): RetryPolicy {
  const input = value ?? {};
  if (typeof input !== "object" || Array.isArray(input)) {
    problem("retry", "{ maxAttempts, baseDelayMs, maxDelayMs }", input);
    return DEFAULT_RETRY;
  }
  const r = input as Record<string, unknown>;
  return Object.freeze({
    maxAttempts: integer(r.maxAttempts, DEFAULT_RETRY.maxAttempts, 1, 20, "retry.maxAttempts", problem),
    baseDelayMs: integer(r.baseDelayMs, DEFAULT_RETRY.baseDelayMs, 0, 600_000, "retry.baseDelayMs", problem),
    maxDelayMs: integer(r.maxDelayMs, DEFAULT_RETRY.maxDelayMs, 0, 600_000, "retry.maxDelayMs", problem),
  });
}

export function integer(
  value: unknown,
  fallback: number,
  min: number,
  max: number,
  field: string,
  problem: FieldProblem,
): number {
  if (value === undefined) return fallback;
  // Number.isInteger is false for anything that is not a number.
  if (Number.isInteger(value) && (value as number) >= min && (value as number) <= max) return value as number;
  problem(field, `a whole number from ${min} to ${max}`, value);
  return fallback;
}

export function boolean(value: unknown, fallback: boolean, field: string, problem: FieldProblem): boolean {
  if (value === undefined) return fallback;
  if (typeof value === "boolean") return value;
  problem(field, "true or false", value);
  return fallback;
}

/** A value as a problem shows it: JSON, scrubbed (no URL query or user info, no token), at most 80 characters. */
export function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  // JSON has no text for a function or a symbol, and refuses a BigInt or a cycle (a module's field is any JavaScript
  // value, and a problem is reported, not thrown): name its type instead.
  const text = scrubSecrets(json(value) ?? (typeof value === "object" ? "an object" : `a ${typeof value}`));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function json(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    // A BigInt or a cycle.
  }
  return undefined;
}
