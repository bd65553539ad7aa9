import { describe, expect, it } from "vitest";
import type { JobRunFacts } from "../../src/alerts/decideJobAlert.js";
import { directJobAlert } from "../../src/alerts/directJobAlert.js";

const NOW = new Date("2030-01-01T10:05:00.000Z");
const SINCE = "2030-01-01T10:00:00.000Z";
const STORAGE_ERROR =
  "Table Storage did not answer within 20 s: the invocation's deadline was reached. Check that Table Storage is reachable from the app; a slow answer now and then is retried on the next run.";
const HOW =
  "While Table Storage fails, failures are not counted and alerts do not go through the alert ledger; this instance " +
  "of the app sends this message once (each instance may send its own), and the usual alerts resume when Table " +
  "Storage answers again. Check the storage account named by AzureWebJobsStorage / M2M_STORAGE_CONNECTION.";

const run = (overrides: Partial<JobRunFacts> = {}): JobRunFacts => ({
  runId: "run-7",
  status: "timed-out",
  startedAt: "2030-01-01T10:04:00.000Z",
  httpStatus: null,
  attempts: [],
  errorCode: "TIMED_OUT",
  errorMessage:
    "Could not take the job's lease, so the API was not called: Table Storage did not answer within 42 s",
  correlation: { traceparent: "", clientRequestId: "", requestId: null },
  ...overrides,
});

const alertFor = (changes: Partial<JobRunFacts> = {}, recorded = false) =>
  directJobAlert({
    job: "report-sync",
    run: run(changes),
    storageError: STORAGE_ERROR,
    recorded,
    since: SINCE,
    now: NOW,
  });

describe("directJobAlert", () => {
  it("says the run could not be recorded, why, how the run ended, and that the usual alerting is down", () => {
    expect(alertFor()).toEqual({
      subject: "job:report-sync",
      kind: "firing",
      severity: "critical",
      title: "Job 'report-sync' cannot use Table Storage: its runs are not recorded or alerted as usual",
      text:
        `The run could not be recorded in run history: ${STORAGE_ERROR} The run at 2030-01-01T10:04:00.000Z timed out: ` +
        `Could not take the job's lease, so the API was not called: Table Storage did not answer within 42 s. ${HOW}`,
      facts: [
        { name: "Job", value: "report-sync" },
        { name: "Status", value: "timed-out" },
        { name: "Error code", value: "TIMED_OUT" },
        { name: "Run id", value: "run-7" },
        { name: "Started", value: "2030-01-01T10:04:00.000Z" },
        { name: "Table Storage failing since", value: SINCE },
      ],
      dedupeKey: "job:report-sync:storage:2030-01-01T10:00:00.000Z",
      occurredAt: "2030-01-01T10:05:00.000Z",
    });
  });

  it("says the run was recorded when only the alert ledger failed", () => {
    expect(alertFor({}, true).text).toMatch(
      /^The run was recorded, but the alert ledger cannot be read or written: Table Storage did not answer/,
    );
  });

  it.each([
    ["a success", { status: "succeeded", errorCode: null, errorMessage: null }, "succeeded."],
    [
      "a failure with a message",
      { status: "failed", errorCode: "HTTP_STATUS", errorMessage: "The API answered HTTP 500" },
      "failed: The API answered HTTP 500.",
    ],
    [
      "a failure with only a code",
      { status: "failed", errorCode: "NETWORK", errorMessage: null },
      "failed (NETWORK).",
    ],
    ["a failure with neither", { status: "failed", errorCode: null, errorMessage: null }, "failed."],
    ["a timeout ending in a full stop", { errorMessage: "Out of time." }, "timed out: Out of time."],
  ] as const)("words the run's outcome: %s", (_case, changes, words) => {
    expect(alertFor(changes).text).toContain(
      `The run at 2030-01-01T10:04:00.000Z ${words} While Table Storage fails`,
    );
  });

  it.each([
    ["trailing spaces after a full stop", "Table Storage refused.  ", "Table Storage refused."],
    ["trailing spaces and no full stop", "Table Storage refused  ", "Table Storage refused."],
    ["a full stop inside only", "HTTP 503. Busy", "HTTP 503. Busy."],
    ["a question mark", "Is Azurite running?", "Is Azurite running?"],
  ])("ends the storage error with one full stop (%s)", (_case, storageError, written) => {
    const alert = directJobAlert({
      job: "report-sync",
      run: run(),
      storageError,
      recorded: true,
      since: SINCE,
      now: NOW,
    });
    expect(alert.text).toContain(`cannot be read or written: ${written} The run at`);
  });

  it("leaves out the error code fact when the run has none", () => {
    expect(
      alertFor({ status: "succeeded", errorCode: null, errorMessage: null }).facts.map((f) => f.name),
    ).toEqual(["Job", "Status", "Run id", "Started", "Table Storage failing since"]);
  });

  it("quotes at most 1000 characters of the storage error and of the run's message", () => {
    const long = directJobAlert({
      job: "report-sync",
      run: run({ errorMessage: "m".repeat(1001) }),
      storageError: "s".repeat(1000),
      recorded: false,
      since: SINCE,
      now: NOW,
    });
    expect(long.text).toContain(`history: ${"s".repeat(1000)}. The run`);
    expect(long.text).toContain(`timed out: ${"m".repeat(1000)}… While`);
  });
});
