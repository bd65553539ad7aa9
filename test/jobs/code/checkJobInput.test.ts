import { describe, expect, it } from "vitest";
import { M2mError } from "../../../src/errors.js";
import { checkJobInput, JobInputError } from "../../../src/jobs/code/checkJobInput.js";
import type { JobModule } from "../../../src/jobs/code/JobModule.js";
import type { CodeJobDefinition, HttpJobDefinition, JobBase } from "../../../src/jobs/JobDefinition.js";

const base: JobBase = {
  name: "sync-changes",
  schedule: "0 */5 * * * *",
  resolvedSchedule: "0 */5 * * * *",
  scope: "api://default/.default",
  deadlineMs: 540_000,
  timeoutMs: 30_000,
  retry: { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 },
  enabled: true,
  keepResponse: true,
};

const httpJob: HttpJobDefinition = {
  ...base,
  kind: "http",
  request: { method: "POST", url: "https://api.example.com/v1/sync", headers: {}, body: null },
  successStatuses: [200],
  idempotent: false,
};

function codeJob(input?: (raw: unknown) => unknown): CodeJobDefinition {
  const module: JobModule<unknown> = {
    name: "sync-changes",
    schedule: "0 */5 * * * *",
    run: () => Promise.resolve(undefined),
    ...(input ? { input } : {}),
  };
  return {
    ...base,
    kind: "code",
    source: "jobs/sync-changes.ts",
    module: module as JobModule<never, never>,
    settings: {},
  };
}

function refusal(job: CodeJobDefinition | HttpJobDefinition, raw: unknown): JobInputError {
  try {
    checkJobInput(job, raw);
  } catch (error) {
    if (error instanceof JobInputError) return error;
    throw error;
  }
  throw new Error("expected a JobInputError, but nothing was thrown");
}

describe("JobInputError", () => {
  it("is an app error with code JOB_INPUT_INVALID", () => {
    const error = new JobInputError("refused", { cause: "why" });
    expect(error).toBeInstanceOf(M2mError);
    expect(error.name).toBe("JobInputError");
    expect(error.code).toBe("JOB_INPUT_INVALID");
    expect(error.message).toBe("refused");
    expect(error.cause).toBe("why");
  });
});

describe("checkJobInput: a job that takes no input", () => {
  it.each([
    ["a declared HTTP job", httpJob],
    ["a module without input", codeJob()],
  ])("runs %s without input", (_what, job) => {
    expect(checkJobInput(job, undefined)).toBeUndefined();
  });

  it("refuses input to a declared HTTP job", () => {
    const error = refusal(httpJob, { since: "2030-01-01" });
    expect(error.code).toBe("JOB_INPUT_INVALID");
    expect(error.message).toBe(
      "Job 'sync-changes' takes no input: it is a declared HTTP job. Send the run request without a body.",
    );
  });

  it("refuses input to a module without input", () => {
    expect(refusal(codeJob(), null).message).toBe(
      "Job 'sync-changes' takes no input: its module has no `input` to check one. Send the run request without a body.",
    );
  });
});

describe("checkJobInput: a module that checks its input", () => {
  it("gives what the module's input returned", () => {
    const job = codeJob((raw) => ({ checked: raw }));
    expect(checkJobInput(job, { since: "2030-01-01" })).toStrictEqual({ checked: { since: "2030-01-01" } });
  });

  it("asks the module for a timer run's input too", () => {
    const job = codeJob((raw) => (raw === undefined ? { full: true } : raw));
    expect(checkJobInput(job, undefined)).toStrictEqual({ full: true });
  });

  it("refuses with the module's own words, keeping what it threw as the cause", () => {
    const thrown = new Error("since must be an ISO date");
    const error = refusal(
      codeJob(() => {
        throw thrown;
      }),
      { since: 5 },
    );
    expect(error.code).toBe("JOB_INPUT_INVALID");
    expect(error.message).toBe("Job 'sync-changes' refused its input: since must be an ISO date");
    expect(error.cause).toBe(thrown);
  });

  it("refuses with what the module threw when it is not an Error", () => {
    const error = refusal(
      codeJob(() => {
        throw "since is required"; // eslint-disable-line @typescript-eslint/only-throw-error
      }),
      {},
    );
    expect(error.message).toBe("Job 'sync-changes' refused its input: since is required");
    expect(error.cause).toBe("since is required");
  });

  it("scrubs a URL's query and a token from the module's words", () => {
    const error = refusal(
      codeJob(() => {
        throw new Error("cannot read https://api.example/v1?sig=abc with Bearer abcdefghijklmnop");
      }),
      {},
    );
    expect(error.message).toBe(
      "Job 'sync-changes' refused its input: cannot read https://api.example/v1?<query removed> with Bearer <redacted>",
    );
  });
});
