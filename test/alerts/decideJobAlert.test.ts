import { describe, expect, it } from "vitest";
import type { AlertState } from "../../src/alerts/AlertLedger.js";
import { decideJobAlert, type JobRunFacts } from "../../src/alerts/decideJobAlert.js";

const NOW = new Date("2030-01-01T10:05:00.000Z");
const LAST_SUCCESS = "2030-01-01T09:00:00.000Z";

const ok: AlertState = {
  subject: "job:report-sync",
  status: "ok",
  step: null,
  since: null,
  lastAlertKey: null,
};
const firing: AlertState = {
  subject: "job:report-sync",
  status: "firing",
  step: "failures>=3",
  since: "2030-01-01T09:45:00.000Z",
  lastAlertKey: `job:report-sync:firing:after:${LAST_SUCCESS}`,
};

function run(status: JobRunFacts["status"]): JobRunFacts {
  const failed = status === "failed";
  return {
    runId: "run-42",
    status,
    startedAt: "2030-01-01T10:04:58.000Z",
    httpStatus: failed ? 503 : 200,
    attempts: [
      {
        attempt: 1,
        status: failed ? 503 : 200,
        durationMs: 120,
        error: failed ? "HTTP 503" : null,
        retryAfterMs: null,
      },
    ],
    errorCode: failed ? "HTTP_STATUS" : null,
    errorMessage: failed ? "The API answered HTTP 503 Service Unavailable after 4 attempts." : null,
    correlation: { traceparent: "00-abc-def-01", clientRequestId: "client-req-1", requestId: "ms-req-1" },
  };
}

const decide = (state: AlertState, status: JobRunFacts["status"], consecutiveFailures: number) =>
  decideJobAlert({
    job: "report-sync",
    state,
    run: run(status),
    consecutiveFailures,
    lastSuccessAt: LAST_SUCCESS,
    threshold: 3,
    now: NOW,
  });

describe("decideJobAlert (threshold 3)", () => {
  it.each([
    ["a failure below the threshold while ok", ok, "failed", 2, "none"],
    ["the failure that reaches the threshold while ok", ok, "failed", 3, "fire"],
    [
      "a failure past the threshold while ok (the state was lost or the threshold lowered)",
      ok,
      "failed",
      5,
      "fire",
    ],
    ["a failure at the threshold while already firing", firing, "failed", 3, "none"],
    ["a failure above the threshold while firing", firing, "failed", 4, "none"],
    ["a success while firing", firing, "succeeded", 0, "resolve"],
    ["a success while ok", ok, "succeeded", 0, "none"],
    ["a timed-out run below the threshold while ok", ok, "timed-out", 2, "none"],
    ["the timed-out run that reaches the threshold while ok", ok, "timed-out", 3, "fire"],
    ["a timed-out run while already firing", firing, "timed-out", 4, "none"],
    ["a skipped run while firing", firing, "skipped", 4, "none"],
    ["a skipped run while ok at the threshold", ok, "skipped", 3, "none"],
  ] as const)("%s → %s", (_, state, status, failures, action) => {
    expect(decide(state, status, failures).action).toBe(action);
  });

  it("says why it does nothing", () => {
    expect(decide(ok, "failed", 2)).toEqual({ action: "none", reason: "2 of 3 consecutive failures" });
    expect(decide(firing, "failed", 4)).toEqual({
      action: "none",
      reason: "already alerted (failures>=3) since 2030-01-01T09:45:00.000Z",
    });
  });

  it("fires one critical alert with the run's facts and moves the job to firing", () => {
    expect(decide(ok, "failed", 3)).toEqual({
      action: "fire",
      alert: {
        subject: "job:report-sync",
        kind: "firing",
        severity: "critical",
        title: "Job 'report-sync' has failed 3 runs in a row",
        text:
          "The API answered HTTP 503 Service Unavailable after 4 attempts. The last success was the run at " +
          "2030-01-01T09:00:00.000Z. The job keeps running on its schedule; this alert is sent once, and a " +
          '"recovered" message follows when a run succeeds. Find the run in the logs by the correlation ids below.',
        facts: [
          { name: "Job", value: "report-sync" },
          { name: "Status", value: "failed" },
          { name: "HTTP status", value: "503" },
          { name: "Attempts", value: "1" },
          { name: "Error code", value: "HTTP_STATUS" },
          { name: "Consecutive failures", value: "3" },
          { name: "Run id", value: "run-42" },
          { name: "Started", value: "2030-01-01T10:04:58.000Z" },
          { name: "x-ms-client-request-id", value: "client-req-1" },
          { name: "x-ms-request-id", value: "ms-req-1" },
        ],
        dedupeKey: "job:report-sync:firing:after:2030-01-01T09:00:00.000Z",
        occurredAt: "2030-01-01T10:05:00.000Z",
      },
      next: {
        subject: "job:report-sync",
        status: "firing",
        step: "failures>=3",
        since: "2030-01-01T10:05:00.000Z",
        lastAlertKey: "job:report-sync:firing:after:2030-01-01T09:00:00.000Z",
      },
    });
  });

  it("gives the same dedupe key to every decision about the same failure streak, whatever the run or time", () => {
    const first = decide(ok, "failed", 3);
    const later = decideJobAlert({
      job: "report-sync",
      state: ok,
      run: { ...run("failed"), runId: "run-43" },
      consecutiveFailures: 4,
      lastSuccessAt: LAST_SUCCESS,
      threshold: 3,
      now: new Date("2030-01-01T10:10:00.000Z"),
    });
    const nextStreak = decideJobAlert({
      job: "report-sync",
      state: ok,
      run: run("failed"),
      consecutiveFailures: 3,
      lastSuccessAt: "2030-01-01T11:00:00.000Z",
      threshold: 3,
      now: NOW,
    });

    expect(first.action === "fire" && later.action === "fire" && nextStreak.action === "fire").toBe(true);
    if (first.action !== "fire" || later.action !== "fire" || nextStreak.action !== "fire") return;
    expect(later.alert.dedupeKey).toBe(first.alert.dedupeKey);
    expect(nextStreak.alert.dedupeKey).toBe("job:report-sync:firing:after:2030-01-01T11:00:00.000Z");
  });

  it("names a job that never succeeded in the key and the text", () => {
    const decision = decideJobAlert({
      job: "report-sync",
      state: ok,
      run: run("failed"),
      consecutiveFailures: 3,
      lastSuccessAt: null,
      threshold: 3,
      now: NOW,
    });

    expect(decision).toMatchObject({
      alert: {
        dedupeKey: "job:report-sync:firing:after:none",
        text: expect.stringContaining("No run of this job has succeeded yet.") as unknown,
      },
    });
  });

  it("resolves once with a 'recovered' message keyed by the episode, and moves the job to ok", () => {
    expect(decide(firing, "succeeded", 0)).toEqual({
      action: "resolve",
      alert: {
        subject: "job:report-sync",
        kind: "resolved",
        severity: "info",
        title: "Job 'report-sync' recovered",
        text:
          "The run at 2030-01-01T10:04:58.000Z succeeded (HTTP 200). The job had been failing since " +
          "2030-01-01T09:45:00.000Z (alerted at failures>=3).",
        facts: [
          { name: "Job", value: "report-sync" },
          { name: "Status", value: "succeeded" },
          { name: "HTTP status", value: "200" },
          { name: "Attempts", value: "1" },
          { name: "Consecutive failures", value: "0" },
          { name: "Run id", value: "run-42" },
          { name: "Started", value: "2030-01-01T10:04:58.000Z" },
          { name: "x-ms-client-request-id", value: "client-req-1" },
          { name: "x-ms-request-id", value: "ms-req-1" },
        ],
        dedupeKey: "job:report-sync:resolved:2030-01-01T09:45:00.000Z",
        occurredAt: "2030-01-01T10:05:00.000Z",
      },
      next: {
        subject: "job:report-sync",
        status: "ok",
        step: null,
        since: "2030-01-01T10:05:00.000Z",
        lastAlertKey: "job:report-sync:resolved:2030-01-01T09:45:00.000Z",
      },
    });
  });

  describe("the count in a firing alert follows the streak", () => {
    const LATER_SUCCESS = "2030-01-01T09:50:00.000Z";
    const failing = (state: AlertState, consecutiveFailures: number, lastSuccessAt: string) =>
      decideJobAlert({
        job: "report-sync",
        state,
        run: run("failed"),
        consecutiveFailures,
        lastSuccessAt,
        threshold: 3,
        now: NOW,
      });

    it.each([
      [3, "Job 'report-sync' has failed 3 runs in a row"],
      [5, "Job 'report-sync' has failed 5 runs in a row"],
      [12, "Job 'report-sync' has failed 12 runs in a row"],
    ])("states the streak it fires at (%d failures) in its title and facts", (failures, title) => {
      const decision = failing(ok, failures, LAST_SUCCESS);

      expect(decision).toMatchObject({ action: "fire", alert: { title } });
      if (decision.action !== "fire") throw new Error("expected fire");
      expect(decision.alert.facts).toContainEqual({ name: "Consecutive failures", value: String(failures) });
    });

    it("fires for a new streak that reaches the threshold while still firing for an earlier one (its recovery could not be recorded), with the new count", () => {
      // `firing` was raised for the streak after LAST_SUCCESS; a success at LATER_SUCCESS went unrecorded in the ledger.
      const decision = failing(firing, 4, LATER_SUCCESS);

      expect(decision).toMatchObject({
        action: "fire",
        alert: {
          title: "Job 'report-sync' has failed 4 runs in a row",
          dedupeKey: `job:report-sync:firing:after:${LATER_SUCCESS}`,
        },
        next: {
          status: "firing",
          since: NOW.toISOString(),
          lastAlertKey: `job:report-sync:firing:after:${LATER_SUCCESS}`,
        },
      });
    });

    it("waits for the threshold in a new streak as in the first", () => {
      expect(failing(firing, 2, LATER_SUCCESS)).toEqual({
        action: "none",
        reason: "2 of 3 consecutive failures",
      });
    });

    it("does not fire again within the streak it was raised for", () => {
      expect(failing(firing, 9, LAST_SUCCESS)).toMatchObject({ action: "none" });
    });
  });

  it("treats a threshold below 1 as 1: the first failure alerts", () => {
    const decision = decideJobAlert({
      job: "report-sync",
      state: ok,
      run: run("failed"),
      consecutiveFailures: 1,
      lastSuccessAt: null,
      threshold: 0,
      now: NOW,
    });

    expect(decision).toMatchObject({
      action: "fire",
      alert: { title: "Job 'report-sync' has failed 1 run in a row" },
      next: { step: "failures>=1" },
    });
  });
});

describe("decideJobAlert: what it says", () => {
  const AFTER_DETAIL =
    " The last success was the run at 2030-01-01T09:00:00.000Z. The job keeps running on its schedule; this alert " +
    'is sent once, and a "recovered" message follows when a run succeeds. Find the run in the logs by the ' +
    "correlation ids below.";

  const fire = (changes: Partial<JobRunFacts>) => {
    const decision = decideJobAlert({
      job: "report-sync",
      state: ok,
      run: { ...run("failed"), ...changes },
      consecutiveFailures: 3,
      lastSuccessAt: LAST_SUCCESS,
      threshold: 3,
      now: NOW,
    });
    if (decision.action !== "fire") throw new Error(`expected fire, got ${decision.action}`);
    return decision.alert;
  };

  it.each([
    ["exactly 1000 characters", `${"e".repeat(999)}.`, `${"e".repeat(999)}.`],
    ["exactly 1000 characters without a full stop", "e".repeat(1000), `${"e".repeat(1000)}.`],
    ["1001 characters", `${"e".repeat(1000)}.`, `${"e".repeat(1000)}…`],
    ["5000 characters", "e".repeat(5000), `${"e".repeat(1000)}…`],
  ])("quotes the first 1000 characters of the error message (%s)", (_name, errorMessage, detail) => {
    expect(fire({ errorMessage }).text).toBe(`${detail}${AFTER_DETAIL}`);
  });

  it.each([
    ["no punctuation", "Token request failed: invalid_client", "Token request failed: invalid_client."],
    [
      "a full stop inside only",
      "The API answered HTTP 503. Retry later",
      "The API answered HTTP 503. Retry later.",
    ],
    ["a full stop", "Gave up after 4 attempts.", "Gave up after 4 attempts."],
    ["a question mark", "Is the certificate uploaded?", "Is the certificate uploaded?"],
    ["an exclamation mark", "Quota exceeded!", "Quota exceeded!"],
    ["an ellipsis", "The body was cut short…", "The body was cut short…"],
    ["a full stop and trailing spaces", "Gave up after 4 attempts.  \n", "Gave up after 4 attempts."],
    ["no punctuation and trailing spaces", "Token request failed   ", "Token request failed."],
  ])("ends the error message with one full stop (%s)", (_name, errorMessage, detail) => {
    expect(fire({ errorMessage }).text).toBe(`${detail}${AFTER_DETAIL}`);
  });

  it.each([
    ["with its error code", "TIMEOUT", null, "The last run failed with TIMEOUT."],
    ["with its error code, for an empty message", "TIMEOUT", "", "The last run failed with TIMEOUT."],
    ["without an error code", null, null, "The last run failed."],
  ])(
    "says the last run failed %s when there is no error message",
    (_name, errorCode, errorMessage, detail) => {
      expect(fire({ errorCode, errorMessage }).text).toBe(`${detail}${AFTER_DETAIL}`);
    },
  );

  it("says the last run timed out when a timed-out run has no error message", () => {
    expect(fire({ status: "timed-out", errorCode: "DEADLINE", errorMessage: null }).text).toBe(
      `The last run timed out with DEADLINE.${AFTER_DETAIL}`,
    );
  });

  it("fires for a timed-out run with the edge that hung, and says so in its facts", () => {
    const alert = fire({
      status: "timed-out",
      httpStatus: null,
      attempts: [],
      errorCode: "TIMED_OUT",
      errorMessage:
        "Could not take the job's lease, so the API was not called: Table Storage did not answer within 42 s: the invocation's deadline was reached.",
    });

    expect(alert).toMatchObject({
      kind: "firing",
      severity: "critical",
      title: "Job 'report-sync' has failed 3 runs in a row",
    });
    expect(alert.text).toBe(
      `Could not take the job's lease, so the API was not called: Table Storage did not answer within 42 s: the invocation's deadline was reached.${AFTER_DETAIL}`,
    );
    expect(alert.facts).toContainEqual({ name: "Status", value: "timed-out" });
    expect(alert.facts).toContainEqual({ name: "Error code", value: "TIMED_OUT" });
  });

  it("leaves out the facts without a value: no HTTP status, error code or correlation ids", () => {
    const alert = fire({
      httpStatus: null,
      attempts: [],
      errorCode: null,
      correlation: { traceparent: "", clientRequestId: "", requestId: null },
    });

    expect(alert.facts).toEqual([
      { name: "Job", value: "report-sync" },
      { name: "Status", value: "failed" },
      { name: "Attempts", value: "0" },
      { name: "Consecutive failures", value: "3" },
      { name: "Run id", value: "run-42" },
      { name: "Started", value: "2030-01-01T10:04:58.000Z" },
    ]);
  });

  it("says why a skipped run or a success while ok does nothing", () => {
    expect(decide(firing, "skipped", 4)).toEqual({
      action: "none",
      reason: "a skipped run says nothing about the job",
    });
    expect(decide(ok, "succeeded", 0)).toEqual({ action: "none", reason: "succeeded; nothing was alerted" });
  });

  const firingUnknown: AlertState = { ...firing, step: null, since: null };

  it("says a job is already alerted when the firing state has no step or since", () => {
    expect(decide(firingUnknown, "failed", 4)).toEqual({
      action: "none",
      reason: "already alerted (firing) since an earlier run",
    });
  });

  it("resolves a firing state without step or since, and a success without an HTTP status", () => {
    const decision = decideJobAlert({
      job: "report-sync",
      state: firingUnknown,
      run: { ...run("succeeded"), httpStatus: null },
      consecutiveFailures: 0,
      lastSuccessAt: LAST_SUCCESS,
      threshold: 3,
      now: NOW,
    });

    expect(decision).toMatchObject({
      action: "resolve",
      alert: {
        text: "The run at 2030-01-01T10:04:58.000Z succeeded. The job had been failing since an earlier run.",
        dedupeKey: "job:report-sync:resolved:unknown",
      },
      next: { status: "ok", lastAlertKey: "job:report-sync:resolved:unknown" },
    });
  });
});
