import { ConfigurationError } from "../errors.js";
import { isLoopbackHost } from "../net/isLoopbackHost.js";
import type { HttpJobDefinition, JobRequest } from "./JobDefinition.js";
import {
  boolean,
  DEFAULT_TIMEOUT_MS,
  describe,
  integer,
  JOB_NAME,
  JOB_NAME_EXPECTED,
  parseRetry,
  parseSchedule,
  parseScope,
  unknownFieldProblems,
} from "./jobFields.js";

export interface JobDefaults {
  /** M2M_SCOPE: the scope of jobs that do not name one. */
  scope: string;
  /** Cap and default for a run's deadline (below the function timeout). */
  deadlineMs: number;
}

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] as const;
const FIELDS = new Set([
  "name",
  "schedule",
  "scope",
  "request",
  "successStatuses",
  "timeoutMs",
  "deadlineMs",
  "retry",
  "idempotent",
  "enabled",
  "keepResponse",
  "description",
]);
/**
 * Header values that are credentials the app must not send as configured: the app adds the bearer token itself, and a
 * token or password kept in a setting is a secret leak (it shows wherever settings do) that also expires unnoticed.
 */
const CREDENTIAL_VALUE = /(^|\s)(bearer|basic)\s+\S|eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\./i;
/** Headers that carry credentials whatever their value. */
const CREDENTIAL_HEADERS = new Set(["authorization", "proxy-authorization"]);
/** An HTTP field name (RFC 9110 §5.1: a token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Validates job definitions (the parsed JSON of M2M_JOBS or the jobs file). Throws one ConfigurationError
 * listing every problem as `job '<name>' (jobs[i]).<field>: expected ...; got ...`. Values are shown scrubbed (no URL
 * user info or query, no token); header values never.
 */
export function parseJobs(
  input: unknown,
  defaults: JobDefaults,
  env: Readonly<Record<string, string | undefined>>,
  origin: string,
): readonly HttpJobDefinition[] {
  const problems: string[] = [];
  if (!Array.isArray(input)) {
    throw new ConfigurationError([`${origin}: expected a JSON array of jobs; got ${describe(input)}`]);
  }
  const jobs: HttpJobDefinition[] = [];
  const seen = new Set<string>();
  input.forEach((raw, index) => {
    const label =
      raw && typeof raw === "object" && typeof (raw as { name?: unknown }).name === "string"
        ? `job '${(raw as { name: string }).name}' (${origin}[${index}])`
        : `${origin}[${index}]`;
    const problem = (field: string, expected: string, got: unknown) =>
      problems.push(`${label}.${field}: expected ${expected}; got ${describe(got)}`);
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
      problems.push(`${label}: expected a job object; got ${describe(raw)}`);
      return;
    }
    const job = raw as Record<string, unknown>;
    problems.push(...unknownFieldProblems(job, FIELDS, label));

    const name = job.name;
    if (typeof name !== "string" || !JOB_NAME.test(name)) {
      problem("name", JOB_NAME_EXPECTED, name);
    } else if (seen.has(name.toLowerCase())) {
      problem("name", "a name no other job has", name);
    } else {
      seen.add(name.toLowerCase());
    }

    const { schedule, resolvedSchedule } = parseSchedule(job.schedule, env, problem);

    const scope = parseScope(job.scope, defaults.scope, problem);

    const request = parseRequest(job.request, problem);

    let successStatuses: number[] = range(200, 299);
    if (job.successStatuses !== undefined) {
      if (
        Array.isArray(job.successStatuses) &&
        job.successStatuses.length > 0 &&
        job.successStatuses.every((s) => Number.isInteger(s) && (s as number) >= 100 && (s as number) <= 599)
      ) {
        successStatuses = job.successStatuses as number[];
      } else {
        problem("successStatuses", "a non-empty array of HTTP status codes", job.successStatuses);
      }
    }

    const deadlineMs = integer(
      job.deadlineMs,
      defaults.deadlineMs,
      1_000,
      defaults.deadlineMs,
      "deadlineMs",
      problem,
    );
    // The default attempt timeout (30 s) shrinks to fit a shorter deadline; only a timeout the job sets is checked.
    const timeoutMs = integer(
      job.timeoutMs,
      Math.min(DEFAULT_TIMEOUT_MS, deadlineMs),
      100,
      defaults.deadlineMs,
      "timeoutMs",
      problem,
    );
    if (timeoutMs > deadlineMs) problem("timeoutMs", `at most deadlineMs (${deadlineMs})`, timeoutMs);

    const retry = parseRetry(job.retry, problem);

    const safeByMethod = request ? !["POST", "PATCH"].includes(request.method) : true;
    const idempotent = boolean(job.idempotent, safeByMethod, "idempotent", problem);
    const enabled = boolean(job.enabled, true, "enabled", problem);
    const keepResponse = boolean(job.keepResponse, false, "keepResponse", problem);

    if (typeof name === "string" && request) {
      jobs.push({
        kind: "http",
        name,
        schedule,
        resolvedSchedule,
        scope,
        request,
        successStatuses: Object.freeze([...successStatuses]),
        timeoutMs,
        deadlineMs,
        retry: Object.freeze(retry),
        idempotent,
        enabled,
        keepResponse,
      });
    }
  });
  if (problems.length > 0) throw new ConfigurationError(problems);
  return Object.freeze(jobs.map((job) => Object.freeze(job)));
}

function parseRequest(
  value: unknown,
  problem: (field: string, expected: string, got: unknown) => void,
): JobRequest | null {
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    problem("request", "{ method, url, headers?, body? }", value);
    return null;
  }
  const r = value as Record<string, unknown>;
  let ok = true;
  const method =
    typeof r.method === "string" ? r.method.toUpperCase() : r.method === undefined ? "GET" : r.method;
  if (!METHODS.includes(method as (typeof METHODS)[number])) {
    problem("request.method", METHODS.join(" | "), r.method);
    ok = false;
  }
  const url = typeof r.url === "string" ? URL.parse(r.url) : null;
  if (!url || !(url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname)))) {
    problem("request.url", "an absolute https URL (http only for localhost)", r.url);
    ok = false;
  } else if (url.username || url.password) {
    // fetch refuses such a URL at every run, and its error would quote the password; the app authenticates with the
    // bearer token.
    problem(
      "request.url",
      "a URL without a user name or password (the app sends the bearer token; put no credentials in the URL)",
      r.url,
    );
    ok = false;
  }
  const headers: Record<string, string> = {};
  if (r.headers !== undefined) {
    if (!r.headers || typeof r.headers !== "object" || Array.isArray(r.headers)) {
      problem("request.headers", "an object of header names to string values", r.headers);
      ok = false;
    } else {
      for (const [key, headerValue] of Object.entries(r.headers as Record<string, unknown>)) {
        // A header value may be a key: problems name the header, never its value.
        const why = headerProblem(key, headerValue);
        if (why) {
          problem(`request.headers.${key}`, why, "<redacted>");
          ok = false;
        } else {
          headers[key] = headerValue as string;
        }
      }
    }
  }
  const body = r.body ?? null;
  if (body !== null && (method === "GET" || method === "HEAD")) {
    problem("request.body", `no body for ${String(method)}`, body);
    ok = false;
  }
  return ok && url
    ? { method: method as JobRequest["method"], url: url.href, headers: Object.freeze(headers), body }
    : null;
}

/** Why a job's header cannot be sent as configured, or null when it can. */
function headerProblem(name: string, value: unknown): string | null {
  if (CREDENTIAL_HEADERS.has(name.toLowerCase())) {
    return `no ${name} header (the app adds the bearer token)`;
  }
  if (!HEADER_NAME.test(name)) return "a header name of letters, digits and !#$%&'*+.^_`|~-";
  if (typeof value !== "string") return "a string";
  // fetch would refuse the request at every run; a CR or LF that got through would split it into more headers.
  if (/[\r\n\0]/.test(value)) return "a value without CR, LF or NUL characters";
  if (CREDENTIAL_VALUE.test(value)) {
    return "no bearer token, JWT or Basic credential in a header value (the app adds the bearer token for the job's scope)";
  }
  return null;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
