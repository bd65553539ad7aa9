import { describe, expect, it } from "vitest";
import { M2mError, TimedOutError } from "../../../src/errors.js";
import { codeJobFailure } from "../../../src/jobs/code/codeJobFailure.js";
import { JobError, JobHttpError } from "../../../src/jobs/code/JobError.js";

const facts = { job: "sync-changes", cancelled: false, secrets: [] as readonly string[] };
const TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhcHAifQ.c2lnbmF0dXJl";
const none = { httpStatus: null, errorBodyExcerpt: null };

describe("codeJobFailure: a run the host cancelled", () => {
  it("is ABORTED, whatever the run threw", () => {
    expect(
      codeJobFailure(new TimedOutError("Table Storage", 5_000), { ...facts, cancelled: true }),
    ).toStrictEqual({
      errorCode: "ABORTED",
      errorMessage:
        "The run of job 'sync-changes' was cancelled: the Functions host is shutting down. The checkpoint stays where the last commit left it.",
      ...none,
    });
  });
});

describe("codeJobFailure: a deadline", () => {
  it("is DEADLINE with the edge that did not answer in time", () => {
    const error = new TimedOutError("the job's code", 9_000);
    expect(codeJobFailure(error, facts)).toStrictEqual({
      errorCode: "DEADLINE",
      errorMessage: error.message,
      edge: "the job's code",
      ...none,
    });
  });
});

describe("codeJobFailure: a failed request", () => {
  it("keeps the request's code, last status and body excerpt", () => {
    const error = new JobHttpError("HTTP_STATUS", "GET https://api.example/v1/items answered 503.", {
      status: 503,
      bodyExcerpt: '{"error":"busy"}',
    });
    expect(codeJobFailure(error, facts)).toStrictEqual({
      errorCode: "HTTP_STATUS",
      errorMessage: "GET https://api.example/v1/items answered 503.",
      httpStatus: 503,
      errorBodyExcerpt: '{"error":"busy"}',
    });
  });

  it("keeps the edge a request ran out of time on", () => {
    const error = new JobHttpError(
      "DEADLINE",
      "The token endpoint did not answer before the run's deadline.",
      {
        status: null,
        bodyExcerpt: null,
        edge: "the token endpoint",
      },
    );
    expect(codeJobFailure(error, facts)).toStrictEqual({
      errorCode: "DEADLINE",
      errorMessage: "The token endpoint did not answer before the run's deadline.",
      edge: "the token endpoint",
      ...none,
    });
  });
});

describe("codeJobFailure: an error with a code", () => {
  it("keeps a JobError's code and message", () => {
    expect(
      codeJobFailure(new JobError("SOURCE_EMPTY", "The source returned no changes."), facts),
    ).toStrictEqual({
      errorCode: "SOURCE_EMPTY",
      errorMessage: "The source returned no changes.",
      ...none,
    });
  });

  it("keeps an app error's code and message", () => {
    const error = new M2mError("CHECKPOINT_CONFLICT", "The checkpoint of job 'sync-changes' moved.");
    expect(codeJobFailure(error, facts)).toStrictEqual({
      errorCode: "CHECKPOINT_CONFLICT",
      errorMessage: "The checkpoint of job 'sync-changes' moved.",
      ...none,
    });
  });
});

describe("codeJobFailure: anything else", () => {
  it.each([
    ["an Error", new Error("boom"), "Error: boom"],
    ["a TypeError", new TypeError("x is not a function"), "TypeError: x is not a function"],
    ["a string", "boom", "string: boom"],
    ["a number", 42, "number: 42"],
    ["undefined", undefined, "undefined: undefined"],
    ["an object", { reason: "boom" }, "object: [object Object]"],
  ])("is JOB_FAILED naming what %s was", (_what, thrown, said) => {
    expect(codeJobFailure(thrown, facts)).toStrictEqual({
      errorCode: "JOB_FAILED",
      errorMessage: `The code of job 'sync-changes' threw ${said}`,
      ...none,
    });
  });
});

describe("codeJobFailure: secrets in a message", () => {
  const withSecrets = { ...facts, secrets: ["s3cr3t-key", "", "tok-123"] };

  it.each([
    ["a deadline", new TimedOutError("https://api.example/?key=s3cr3t-key tok-123", 1_000)],
    [
      "a failed request",
      new JobHttpError("NETWORK", "s3cr3t-key and tok-123", { status: null, bodyExcerpt: null }),
    ],
    ["a JobError", new JobError("SOURCE_REFUSED", "key s3cr3t-key, token tok-123 refused")],
    ["an app error", new M2mError("CHECKPOINT_CONFLICT", "s3cr3t-key/tok-123")],
    ["any other error", new Error("s3cr3t-key tok-123")],
  ])("cuts every secret the run used out of %s, however often it appears", (_what, error) => {
    const message = codeJobFailure(error, withSecrets).errorMessage;
    expect(message).not.toContain("s3cr3t-key");
    expect(message).not.toContain("tok-123");
    expect(message).toContain("<redacted>");
  });

  it("replaces each occurrence of a secret with <redacted>", () => {
    expect(
      codeJobFailure(new JobError("SOURCE_REFUSED", "a tok-123 b tok-123 c"), withSecrets).errorMessage,
    ).toBe("a <redacted> b <redacted> c");
  });

  it("leaves a message alone when a secret given is empty", () => {
    expect(
      codeJobFailure(new JobError("SOURCE_REFUSED", "nothing to hide"), { ...facts, secrets: [""] })
        .errorMessage,
    ).toBe("nothing to hide");
  });

  it.each([
    [
      "a JobError",
      new JobError("SOURCE_REFUSED", `token ${TOKEN} was refused`),
      `token <redacted> was refused`,
    ],
    [
      "any other error",
      new Error(`token ${TOKEN} was refused`),
      "The code of job 'sync-changes' threw Error: token <redacted> was refused",
    ],
  ])("scrubs JWT-looking strings it was not told about from %s", (_what, error, message) => {
    expect(codeJobFailure(error, facts).errorMessage).toBe(message);
  });

  it("scrubs a URL's query from a message", () => {
    expect(
      codeJobFailure(new JobError("SOURCE_REFUSED", "GET https://api.example/v1?code=abc failed"), facts)
        .errorMessage,
    ).toBe("GET https://api.example/v1?<query removed> failed");
  });
});
