import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAzurite, type Azurite } from "../../dev/azurite/startAzurite.js";
import type { Alert } from "../../src/alerts/Alert.js";
import type { AlertLedger } from "../../src/alerts/AlertLedger.js";
import { createAlertChannels } from "../../src/alerts/createAlertChannels.js";
import type { JobRunFacts } from "../../src/alerts/decideJobAlert.js";
import { notifyJobOutcome } from "../../src/alerts/notifyJobOutcome.js";
import { tableAlertLedger } from "../../src/alerts/tableAlertLedger.js";
import { tableClientFor } from "../../src/state/tableClientFor.js";
import { freshTableName } from "../state/freshTableName.js";
import { manualClock } from "../support/manualClock.js";
import { recordingLogger } from "../support/recordingLogger.js";
import { startRecordingServer, type RecordingServer } from "./recordingServer.js";
import { sampleAlert } from "./sampleAlert.js";

let azurite: Azurite;
let server: RecordingServer;
beforeAll(async () => {
  [azurite, server] = await Promise.all([startAzurite(), startRecordingServer()]);
});
afterAll(async () => {
  await Promise.all([azurite?.stop(), server?.close()]);
});
beforeEach(() => server.reset());

/** What the job's run history would say: failures since the last success, and when that was. */
function jobHistory() {
  let consecutiveFailures = 0;
  let lastSuccessAt: string | null = "2030-01-01T08:00:00.000Z";
  let n = 0;
  return (status: "failed" | "succeeded", startedAt: Date) => {
    n += 1;
    consecutiveFailures = status === "failed" ? consecutiveFailures + 1 : 0;
    if (status === "succeeded") lastSuccessAt = startedAt.toISOString();
    const run: JobRunFacts = {
      runId: `run-${n}`,
      status,
      startedAt: startedAt.toISOString(),
      httpStatus: status === "failed" ? 503 : 200,
      attempts: [],
      errorCode: status === "failed" ? "HTTP_STATUS" : null,
      errorMessage: status === "failed" ? "The API answered HTTP 503." : null,
      correlation: { traceparent: "", clientRequestId: `client-${n}`, requestId: null },
    };
    return { job: "report-sync", run, consecutiveFailures, lastSuccessAt };
  };
}

function setup(instances = 1) {
  const tableName = freshTableName("alerts");
  const time = manualClock(Date.UTC(2030, 0, 1, 10, 0));
  const log = recordingLogger();
  const channels = createAlertChannels({
    teamsWebhookUrl: null,
    slackWebhookUrl: `${server.origin}/slack/T0/B0/secret`,
    webhookUrl: `${server.origin}/webhook`,
    webhookSecret: null,
    timeoutMs: 2_000,
  });
  const ledgers = Array.from({ length: instances }, () =>
    tableAlertLedger(
      tableClientFor({ kind: "connection-string", connectionString: azurite.connectionString }, tableName),
      { clock: time.clock },
    ),
  );
  const deps = (ledger: AlertLedger) => ({
    ledger,
    channels,
    threshold: 3,
    clock: time.clock,
    logger: log.logger,
  });
  return { ledgers, deps, time, log, channels };
}

/** The alerts the webhook channel received, as `kind dedupeKey`. */
const webhookAlerts = () =>
  server.requests
    .filter((r) => r.url === "/webhook")
    .map((r) => JSON.parse(r.body) as Alert)
    .map((a) => `${a.kind} ${a.dedupeKey}`);
const slackHeaders = () =>
  server.requests
    .filter((r) => r.url.startsWith("/slack/"))
    .map((r) => (JSON.parse(r.body) as { blocks: { text: { text: string } }[] }).blocks[0]!.text.text);

describe("notifyJobOutcome", () => {
  it("tells each channel once per episode: at the threshold, not on later failures, and once on recovery", async () => {
    const {
      ledgers: [ledger],
      deps,
      time,
    } = setup();
    const history = jobHistory();
    const outcomes = [];
    for (const status of ["failed", "failed", "failed", "failed", "succeeded", "succeeded"] as const) {
      time.advance(5 * 60_000);
      outcomes.push(await notifyJobOutcome(history(status, time.clock()), deps(ledger!)));
    }

    expect(outcomes.map((o) => o.action)).toEqual(["none", "none", "fire", "none", "resolve", "none"]);
    expect(outcomes.map((o) => o.applied)).toEqual([false, false, true, false, true, false]);
    expect(webhookAlerts()).toEqual([
      "firing job:report-sync:firing:after:2030-01-01T08:00:00.000Z",
      "resolved job:report-sync:resolved:2030-01-01T10:15:00.000Z",
    ]);
    expect(slackHeaders()).toEqual([
      "CRITICAL: Job 'report-sync' has failed 3 runs in a row",
      "RESOLVED: Job 'report-sync' recovered",
    ]);
  });

  it("delivers an alert a channel refused on a later run, even one that decides nothing", async () => {
    const {
      ledgers: [ledger],
      deps,
      time,
      log,
    } = setup();
    const history = jobHistory();
    await notifyJobOutcome(history("failed", time.clock()), deps(ledger!));
    await notifyJobOutcome(history("failed", time.clock()), deps(ledger!));
    server.answerAlways({ status: 503, body: "slack is having a moment" });

    const atThreshold = await notifyJobOutcome(history("failed", time.clock()), deps(ledger!));
    server.answerAlways({ status: 200, body: "ok" });
    const nextRun = await notifyJobOutcome(history("failed", time.clock()), deps(ledger!));

    expect(atThreshold).toMatchObject({ action: "fire", applied: true, delivery: { sent: [] } });
    expect(atThreshold.delivery!.failed.map((f) => f.channel).sort()).toEqual(["slack", "webhook"]);
    expect(log.entries).toContainEqual(
      expect.objectContaining({
        level: "error",
        message: "Alert delivery failed; it is retried on the next run",
        properties: expect.objectContaining({
          channel: "slack",
          error: expect.stringContaining("answered HTTP 503: slack is having a moment") as unknown,
        }) as unknown,
      }),
    );
    expect(log.text()).not.toContain("/slack/T0/B0/secret");
    expect(nextRun).toMatchObject({ action: "none", delivery: { failed: [] } });
    expect(nextRun.delivery!.sent.map((s) => s.channel).sort()).toEqual(["slack", "webhook"]);
    // The same alert twice: refused, then taken on the retry.
    expect(webhookAlerts()).toEqual([
      "firing job:report-sync:firing:after:2030-01-01T08:00:00.000Z",
      "firing job:report-sync:firing:after:2030-01-01T08:00:00.000Z",
    ]);
  });

  it("sends and logs only its own job's alerts: another subject's pending alert is left to the run that speaks for it", async () => {
    const {
      ledgers: [ledger],
      deps,
      time,
      log,
      channels,
    } = setup();
    // A certificate alert the certificate check enqueued and has not sent yet (it is about to, or its channel refused).
    const subject = "certificate:kv-one.vault.azure.net/tls-cert";
    const certificateAlert = sampleAlert({
      subject,
      title: "Certificate 'tls-cert' expires in 20 days",
      dedupeKey: `${subject}|2030-01-21T10:00:00.000Z|9970`,
    });
    const state = await ledger!.getState(subject);
    await ledger!.transition(
      subject,
      state,
      {
        subject,
        status: "firing",
        step: "9970|e|30 days",
        since: null,
        lastAlertKey: certificateAlert.dedupeKey,
      },
      certificateAlert,
      channels,
    );
    const history = jobHistory();

    await notifyJobOutcome(history("failed", time.clock()), deps(ledger!));
    await notifyJobOutcome(history("failed", time.clock()), deps(ledger!));
    const atThreshold = await notifyJobOutcome(history("failed", time.clock()), deps(ledger!));

    expect(atThreshold.delivery!.sent.map((s) => `${s.channel} ${s.dedupeKey}`).sort()).toEqual([
      "slack job:report-sync:firing:after:2030-01-01T08:00:00.000Z",
      "webhook job:report-sync:firing:after:2030-01-01T08:00:00.000Z",
    ]);
    expect(webhookAlerts()).toEqual(["firing job:report-sync:firing:after:2030-01-01T08:00:00.000Z"]);
    expect(log.text()).not.toContain("certificate:");
    expect(log.entries.filter((e) => e.message === "Alert delivered").map((e) => e.properties?.job)).toEqual([
      "report-sync",
      "report-sync",
    ]);
    // Still pending for the certificate check, which sends it for its own subjects.
    const check = await ledger!.deliverPending(channels, { subjects: (s) => s.startsWith("certificate:") });
    expect(check.sent.map((s) => s.dedupeKey)).toEqual([
      certificateAlert.dedupeKey,
      certificateAlert.dedupeKey,
    ]);
  });

  it("sends one alert when two instances handle the run that reaches the threshold at once", async () => {
    const { ledgers, deps, time } = setup(2);
    const history = jobHistory();
    await notifyJobOutcome(history("failed", time.clock()), deps(ledgers[0]!));
    await notifyJobOutcome(history("failed", time.clock()), deps(ledgers[0]!));
    const third = history("failed", time.clock());
    // At once: each instance has read the alert state before either writes (on a busy machine one could otherwise
    // finish before the other starts, and the second would find the alert firing already).
    let read = 0;
    let bothRead: () => void = () => undefined;
    const allRead = new Promise<void>((resolve) => (bothRead = resolve));
    const racing = ledgers.map((ledger): AlertLedger => ({
      ...ledger,
      getState: async (...args) => {
        const state = await ledger.getState(...args);
        if (++read === ledgers.length) bothRead();
        await allRead;
        return state;
      },
    }));

    const outcomes = await Promise.all(racing.map((ledger) => notifyJobOutcome(third, deps(ledger))));

    expect(outcomes.map((o) => o.action)).toEqual(["fire", "fire"]);
    expect(outcomes.filter((o) => o.applied)).toHaveLength(1);
    expect(webhookAlerts()).toEqual(["firing job:report-sync:firing:after:2030-01-01T08:00:00.000Z"]);
    expect(slackHeaders()).toHaveLength(1);
  });

  it("returns a ledger failure instead of throwing or logging it: the run's one log line names it", async () => {
    const { channels, time, log } = setup();
    const broken: AlertLedger = {
      getState: () => Promise.reject(new Error("Table Storage is unreachable (ECONNREFUSED)")),
      states: () => Promise.reject(new Error("not reached")),
      recentAlerts: () => Promise.reject(new Error("not reached")),
      transition: () => Promise.reject(new Error("not reached")),
      deliverPending: () => Promise.reject(new Error("not reached")),
    };

    const outcome = await notifyJobOutcome(jobHistory()("failed", time.clock()), {
      ledger: broken,
      channels,
      threshold: 3,
      clock: time.clock,
      logger: log.logger,
    });

    expect(outcome).toMatchObject({ action: "none", applied: false, delivery: null });
    expect(outcome.error?.message).toBe("Table Storage is unreachable (ECONNREFUSED)");
    expect(log.entries).toEqual([]);
  });
});
