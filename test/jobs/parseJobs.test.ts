import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../../src/errors.js";
import { nextOccurrence } from "../../src/jobs/nextOccurrence.js";
import { parseJobs } from "../../src/jobs/parseJobs.js";

const defaults = { scope: "api://default/.default", deadlineMs: 540_000 };
const minimal = {
  name: "report-sync",
  schedule: "0 */5 * * * *",
  request: { url: "https://api.example.com/reports" },
};

function problemsOf(input: unknown, env: Record<string, string> = {}): readonly string[] {
  try {
    parseJobs(input, defaults, env, "M2M_JOBS");
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as ConfigurationError).problems;
  }
  throw new Error("expected a ConfigurationError");
}

describe("parseJobs", () => {
  it("fits the default attempt timeout (30 s) inside a shorter deadline instead of refusing the job", () => {
    const [short] = parseJobs([{ ...minimal, deadlineMs: 10_000 }], defaults, {}, "M2M_JOBS");
    expect(short).toMatchObject({ timeoutMs: 10_000, deadlineMs: 10_000 });
    const [capped] = parseJobs([minimal], { ...defaults, deadlineMs: 20_000 }, {}, "M2M_JOBS");
    expect(capped).toMatchObject({ timeoutMs: 20_000, deadlineMs: 20_000 });
  });

  it("still refuses an attempt timeout the job sets above its deadline", () => {
    expect(problemsOf([{ ...minimal, deadlineMs: 10_000, timeoutMs: 15_000 }])).toEqual([
      "job 'report-sync' (M2M_JOBS[0]).timeoutMs: expected at most deadlineMs (10000); got 15000",
    ]);
  });

  it("allows plain http only for this machine's hosts", () => {
    const http = (url: string) => ({ ...minimal, request: { url } });
    expect(parseJobs([http("http://[::1]:8080/x")], defaults, {}, "M2M_JOBS")).toHaveLength(1);
    expect(parseJobs([http("http://127.0.0.1:8080/x")], defaults, {}, "M2M_JOBS")).toHaveLength(1);
    expect(problemsOf([http("http://api.example.com/x")])).toEqual([
      "job 'report-sync' (M2M_JOBS[0]).request.url: expected an absolute https URL (http only for localhost); got \"http://api.example.com/x\"",
    ]);
  });

  it("fills in defaults for a minimal job", () => {
    expect(parseJobs([minimal], defaults, {}, "M2M_JOBS")).toEqual([
      {
        kind: "http",
        name: "report-sync",
        schedule: "0 */5 * * * *",
        resolvedSchedule: "0 */5 * * * *",
        scope: "api://default/.default",
        request: { method: "GET", url: "https://api.example.com/reports", headers: {}, body: null },
        successStatuses: Array.from({ length: 100 }, (_, i) => 200 + i),
        timeoutMs: 30_000,
        deadlineMs: 540_000,
        retry: { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 },
        idempotent: true,
        enabled: true,
        keepResponse: false,
      },
    ]);
  });

  it("keeps the API's response only for a job that asks (keepResponse)", () => {
    const [kept, dropped] = parseJobs(
      [
        { ...minimal, name: "a", keepResponse: true },
        { ...minimal, name: "b", keepResponse: false },
      ],
      defaults,
      {},
      "M2M_JOBS",
    );
    expect([kept!.keepResponse, dropped!.keepResponse]).toEqual([true, false]);
    expect(problemsOf([{ ...minimal, keepResponse: "yes" }])).toEqual([
      "job 'report-sync' (M2M_JOBS[0]).keepResponse: expected true or false; got \"yes\"",
    ]);
  });

  it("refuses a URL with a user name or password, showing it without them or its query", () => {
    expect(
      problemsOf([
        { ...minimal, request: { url: "https://svc:hunter2@api.example.com/reports?key=abc" } },
        { ...minimal, name: "b", request: { url: "https://svc@api.example.com/reports" } },
      ]),
    ).toEqual([
      "job 'report-sync' (M2M_JOBS[0]).request.url: expected a URL without a user name or password (the app sends the bearer token; put no credentials in the URL); got \"https://api.example.com/reports?<query removed>\"",
      "job 'b' (M2M_JOBS[1]).request.url: expected a URL without a user name or password (the app sends the bearer token; put no credentials in the URL); got \"https://api.example.com/reports\"",
    ]);
  });

  it("shows a refused URL without its query", () => {
    expect(
      problemsOf([{ ...minimal, request: { url: "http://api.example.com/x?code=function-key" } }]),
    ).toEqual([
      "job 'report-sync' (M2M_JOBS[0]).request.url: expected an absolute https URL (http only for localhost); got \"http://api.example.com/x?<query removed>\"",
    ]);
  });

  it("keeps a query the API needs (it is never shown)", () => {
    const [job] = parseJobs(
      [{ ...minimal, request: { url: "https://api.example.com/x?code=function-key" } }],
      defaults,
      {},
      "M2M_JOBS",
    );
    expect(job!.request.url).toBe("https://api.example.com/x?code=function-key");
  });

  it.each([
    ["Authorization", "Bearer abc", "no Authorization header (the app adds the bearer token)"],
    ["proxy-authorization", "Basic dTpw", "no proxy-authorization header (the app adds the bearer token)"],
    ["X-Api-Key", "key\r\nX-Injected: 1", "a value without CR, LF or NUL characters"],
    ["X-Api-Key", "key\n", "a value without CR, LF or NUL characters"],
    ["X-Api-Key", "key\u0000", "a value without CR, LF or NUL characters"],
    ["X-Upstream-Auth", "Bearer 0123456789abcdef", credential()],
    ["X-Upstream-Auth", "bearer x", credential()],
    ["X-Upstream-Auth", "Basic dXNlcjpwYXNz", credential()],
    ["X-Token", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", credential()],
    ["X Bad", "v", "a header name of letters, digits and !#$%&'*+.^_`|~-"],
    ["X-Count", 42, "a string"],
  ])("refuses the header %s without showing its value", (name, value, expected) => {
    expect(
      problemsOf([{ ...minimal, request: { url: minimal.request.url, headers: { [name]: value } } }]),
    ).toEqual([
      `job 'report-sync' (M2M_JOBS[0]).request.headers.${name}: expected ${expected}; got "<redacted>"`,
    ]);
  });

  it("keeps ordinary headers, an API key among them", () => {
    const headers = {
      "Ocp-Apim-Subscription-Key": "0123456789abcdef",
      "x-sync-mode": "bearer-less incremental",
    };
    const [job] = parseJobs(
      [{ ...minimal, request: { url: minimal.request.url, headers } }],
      defaults,
      {},
      "M2M_JOBS",
    );
    expect(job!.request.headers).toEqual(headers);
  });

  it("treats POST and PATCH as not idempotent unless the job says so", () => {
    const [post, patch, declared] = parseJobs(
      [
        { ...minimal, name: "a", request: { method: "POST", url: "https://x.test/a", body: { full: true } } },
        { ...minimal, name: "b", request: { method: "patch", url: "https://x.test/b" } },
        { ...minimal, name: "c", request: { method: "POST", url: "https://x.test/c" }, idempotent: true },
      ],
      defaults,
      {},
      "M2M_JOBS",
    );
    expect([post!.idempotent, patch!.idempotent, declared!.idempotent]).toEqual([false, false, true]);
    expect(post!.request.body).toEqual({ full: true });
  });

  it("resolves a %SETTING% schedule for computing the next run", () => {
    const [job] = parseJobs(
      [{ ...minimal, schedule: "%SYNC_SCHEDULE%" }],
      defaults,
      { SYNC_SCHEDULE: "0 0 2 * * *" },
      "M2M_JOBS",
    );
    expect(job).toMatchObject({ schedule: "%SYNC_SCHEDULE%", resolvedSchedule: "0 0 2 * * *" });
  });

  it("names the job and the field of every problem", () => {
    expect(
      problemsOf([
        { ...minimal, schedule: "*/5 * * * *" },
        {
          name: "bad one",
          schedule: "%MISSING%",
          request: { method: "FETCH", url: "http://api.example.com" },
        },
        {
          ...minimal,
          name: "report-sync",
          request: { url: "https://x.test", headers: { Authorization: "Bearer abc" } },
        },
        { ...minimal, name: "c", retry: { maxAttempts: 0 }, timeoutMs: "30s", shedule: "x" },
      ]),
    ).toEqual([
      "job 'report-sync' (M2M_JOBS[0]).schedule: expected a six-field NCRONTAB expression (NCRONTAB needs six fields ({second} {minute} {hour} {day} {month} {day-of-week}); got 5); got \"*/5 * * * *\"",
      "job 'bad one' (M2M_JOBS[1]).name: expected a name of letters, digits and dashes starting with a letter (at most 63); got \"bad one\"",
      "job 'bad one' (M2M_JOBS[1]).schedule: expected app setting MISSING (referenced by %MISSING%) to be set; got \"it is missing\"",
      "job 'bad one' (M2M_JOBS[1]).request.method: expected GET | POST | PUT | PATCH | DELETE | HEAD; got \"FETCH\"",
      "job 'bad one' (M2M_JOBS[1]).request.url: expected an absolute https URL (http only for localhost); got \"http://api.example.com\"",
      "job 'report-sync' (M2M_JOBS[2]).name: expected a name no other job has; got \"report-sync\"",
      "job 'report-sync' (M2M_JOBS[2]).request.headers.Authorization: expected no Authorization header (the app adds the bearer token); got \"<redacted>\"",
      "job 'c' (M2M_JOBS[3]).shedule: unknown field (known: name, schedule, scope, request, successStatuses, timeoutMs, deadlineMs, retry, idempotent, enabled, keepResponse, description)",
      "job 'c' (M2M_JOBS[3]).timeoutMs: expected a whole number from 100 to 540000; got \"30s\"",
      "job 'c' (M2M_JOBS[3]).retry.maxAttempts: expected a whole number from 1 to 20; got 0",
    ]);
  });

  it("rejects a schedule with an out-of-range field", () => {
    expect(problemsOf([{ ...minimal, schedule: "0 61 * * * *" }])[0]).toContain(
      "expected a six-field NCRONTAB expression (minute: 61 is out of range 0–59)",
    );
  });

  it.each([
    ["0 0 0 L * *", "day: 'L' is not a number 1–31"],
    ["0 0 0 * * 7", "day-of-week: 7 is out of range 0–6 (Sunday is 0)"],
  ])("rejects %s, which cron accepts and the Functions host does not", (schedule, why) => {
    expect(problemsOf([{ ...minimal, schedule }])).toEqual([
      `job 'report-sync' (M2M_JOBS[0]).schedule: expected a six-field NCRONTAB expression (${why}); got "${schedule}"`,
    ]);
  });

  it("rejects a %SETTING% schedule that never fires, naming the setting and its value", () => {
    expect(
      problemsOf([{ ...minimal, schedule: "%SYNC_SCHEDULE%" }], { SYNC_SCHEDULE: "0 0 0 30 Feb *" }),
    ).toEqual([
      "job 'report-sync' (M2M_JOBS[0]).schedule: expected a six-field NCRONTAB expression (it never fires: no date " +
        'has day 30, month Feb and day-of-week * (the host fires only when all three match)); got "%SYNC_SCHEDULE% = 0 0 0 30 Feb *"',
    ]);
  });

  it("rejects something other than an array", () => {
    expect(problemsOf({ jobs: [] })).toEqual(['M2M_JOBS: expected a JSON array of jobs; got {"jobs":[]}']);
  });
});

describe("nextOccurrence", () => {
  it.each([
    ["0 */5 * * * *", "2026-01-01T00:00:07Z", "2026-01-01T00:05:00.000Z"],
    ["0 30 9 * * MON-FRI", "2026-11-21T10:00:00Z", "2026-11-23T09:30:00.000Z"],
    ["0 0 2 * * *", "2026-11-21T02:00:00Z", "2026-11-22T02:00:00.000Z"],
  ])("%s after %s is %s (UTC)", (schedule, after, expected) => {
    expect(nextOccurrence(schedule, new Date(after)).toISOString()).toBe(expected);
  });
});

function credential(): string {
  return "no bearer token, JWT or Basic credential in a header value (the app adds the bearer token for the job's scope)";
}
