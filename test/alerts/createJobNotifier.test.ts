import { describe, expect, it } from "vitest";
import type { Alert, AlertChannel } from "../../src/alerts/Alert.js";
import type {
  AlertLedger,
  DeliverOptions,
  DeliveryReport,
  LedgerCallOptions,
  StoredAlertState,
} from "../../src/alerts/AlertLedger.js";
import { unalerted } from "../../src/alerts/alertStates.js";
import { ALERT_RECHECK_MS, createJobNotifier } from "../../src/alerts/createJobNotifier.js";
import { systemClock } from "../../src/clock/Clock.js";
import { createDeadline, type Deadline } from "../../src/clock/Deadline.js";
import type { JobDefinition } from "../../src/jobs/JobDefinition.js";
import type { JobNotifyContext, RunRecording } from "../../src/jobs/JobOutcomeNotifier.js";
import { TimedOutError } from "../../src/errors.js";
import { failedRunFor, runResultFor } from "../state/runResultFor.js";
import { manualClock } from "../support/manualClock.js";
import { recordingLogger } from "../support/recordingLogger.js";

const job = { name: "report-sync" } as JobDefinition;
const storageDown = new TimedOutError("Table Storage", 20_000);
const notRecorded: RunRecording = { recorded: false, error: storageDown };
const recorded: RunRecording = { recorded: true, standing: { consecutiveFailures: 1, lastSuccessAt: null } };

/** A ledger that answers from memory (nothing fires below the threshold), or fails every call with `failWith`. */
function memoryLedger(failWith?: Error) {
  const calls: { method: string; deadline: Deadline | undefined }[] = [];
  const answer = <T>(method: string, options: LedgerCallOptions | undefined, value: T) => {
    calls.push({ method, deadline: options?.deadline });
    return failWith ? Promise.reject(failWith) : Promise.resolve(value);
  };
  const ledger: AlertLedger = {
    getState: (subject, options) =>
      answer("getState", options, {
        subject,
        status: "ok",
        step: null,
        since: null,
        lastAlertKey: null,
        version: null,
      }),
    states: (_prefixes, options) => answer("states", options, new Map()),
    recentAlerts: (_since, _limit, options) => answer("recentAlerts", options, []),
    transition: (_s, expected, _n, _a, _c, options) =>
      answer("transition", options, { applied: false, current: expected }),
    deliverPending: (_channels, options?: DeliverOptions) =>
      answer("deliverPending", options, { sent: [], failed: [] }),
  };
  return { ledger, calls };
}

function channel(name: string) {
  const sent: { alert: Alert; deadline: Deadline | undefined }[] = [];
  let failures = 0;
  const value: AlertChannel = {
    name,
    send(alert, deadline) {
      if (failures > 0) {
        failures -= 1;
        return Promise.reject(new Error(`${name} answered HTTP 500`));
      }
      sent.push({ alert, deadline });
      return Promise.resolve();
    },
  };
  return { channel: value, sent, failNext: () => (failures += 1) };
}

function context(): JobNotifyContext & { log: ReturnType<typeof recordingLogger> } {
  const log = recordingLogger();
  return {
    log,
    logger: log.logger,
    ledgerDeadline: createDeadline({ budgetMs: 20_000, clock: systemClock }),
    channelDeadline: createDeadline({ budgetMs: 30_000, clock: systemClock }),
  };
}

describe("createJobNotifier", () => {
  it("does nothing without a channel: no storage calls for alerts nobody would get", async () => {
    const { ledger, calls } = memoryLedger();
    const notify = createJobNotifier({ channels: [], ledger, threshold: 1 });

    expect(await notify(job, failedRunFor(), recorded, context())).toEqual({
      via: "none",
      ledgerError: null,
    });
    expect(await notify(job, failedRunFor(), notRecorded, context())).toEqual({
      via: "none",
      ledgerError: null,
    });
    expect(calls).toEqual([]);
  });

  it("goes through the ledger for a recorded run, every call within the ledger deadline", async () => {
    const { ledger, calls } = memoryLedger();
    const webhook = channel("webhook");
    const notify = createJobNotifier({ channels: [webhook.channel], ledger, threshold: 3 });
    const ctx = context();

    expect(await notify(job, failedRunFor(), recorded, ctx)).toEqual({ via: "ledger", ledgerError: null });
    expect(calls).toEqual([
      { method: "getState", deadline: ctx.ledgerDeadline },
      { method: "deliverPending", deadline: ctx.ledgerDeadline },
    ]);
    expect(webhook.sent).toEqual([]);
  });

  it("tells every channel directly, within the channel deadline, when the run could not be recorded", async () => {
    const { ledger, calls } = memoryLedger();
    const [teams, webhook] = [channel("teams"), channel("webhook")];
    const time = manualClock(Date.parse("2030-01-01T10:00:00.000Z"));
    const notify = createJobNotifier({
      channels: [teams.channel, webhook.channel],
      ledger,
      threshold: 3,
      clock: time.clock,
    });
    const ctx = context();

    expect(await notify(job, failedRunFor(), notRecorded, ctx)).toEqual({ via: "direct", ledgerError: null });
    expect(calls).toEqual([]);
    for (const c of [teams, webhook]) {
      expect(c.sent).toHaveLength(1);
      expect(c.sent[0]?.deadline).toBe(ctx.channelDeadline);
      expect(c.sent[0]?.alert).toMatchObject({
        subject: "job:report-sync",
        dedupeKey: "job:report-sync:storage:2030-01-01T10:00:00.000Z",
        text: expect.stringMatching(
          /^The run could not be recorded in run history: Table Storage did not answer within 20 s/,
        ) as unknown,
      });
    }
  });

  it("tells the channels directly when the ledger fails, and returns the ledger's error for the run's log line", async () => {
    const { ledger } = memoryLedger(storageDown);
    const webhook = channel("webhook");
    const notify = createJobNotifier({ channels: [webhook.channel], ledger, threshold: 3 });

    expect(await notify(job, failedRunFor(), recorded, context())).toEqual({
      via: "direct",
      ledgerError: storageDown,
    });
    expect(webhook.sent[0]?.alert.text).toMatch(
      /^The run was recorded, but the alert ledger cannot be read or written/,
    );
  });

  it("sends the direct alert once per streak per channel, retries a channel that refused it, and starts a new streak after the ledger works again", async () => {
    const down = memoryLedger(storageDown);
    const up = memoryLedger();
    let ledger = down.ledger;
    const proxy: AlertLedger = {
      getState: (...a) => ledger.getState(...a),
      states: (...a) => ledger.states(...a),
      recentAlerts: (...a) => ledger.recentAlerts(...a),
      transition: (...a) => ledger.transition(...a),
      deliverPending: (...a) => ledger.deliverPending(...a),
    };
    const [teams, webhook] = [channel("teams"), channel("webhook")];
    const time = manualClock(Date.parse("2030-01-01T10:00:00.000Z"));
    const notify = createJobNotifier({
      channels: [teams.channel, webhook.channel],
      ledger: proxy,
      threshold: 3,
      clock: time.clock,
    });

    webhook.failNext();
    const ctx = context();
    expect((await notify(job, failedRunFor(), notRecorded, ctx)).via).toBe("direct");
    expect([teams.sent.length, webhook.sent.length]).toEqual([1, 0]);
    expect(ctx.log.entries).toEqual([
      {
        level: "warn",
        message: "Could not send the alert directly; it is tried again on the job's next run",
        properties: {
          job: "report-sync",
          runId: "run-1",
          channel: "webhook",
          error: "webhook answered HTTP 500",
        },
      },
    ]);

    time.advance(60_000);
    expect((await notify(job, failedRunFor(), notRecorded, context())).via).toBe("direct");
    expect([teams.sent.length, webhook.sent.length]).toEqual([1, 1]);
    expect(webhook.sent[0]?.alert.dedupeKey).toBe(teams.sent[0]?.alert.dedupeKey);

    expect((await notify(job, failedRunFor(), notRecorded, context())).via).toBe("none");
    expect([teams.sent.length, webhook.sent.length]).toEqual([1, 1]);

    ledger = up.ledger;
    expect((await notify(job, failedRunFor(), recorded, context())).via).toBe("ledger");
    ledger = down.ledger;
    time.advance(60_000);
    await notify(job, failedRunFor(), notRecorded, context());
    expect(teams.sent.map((s) => s.alert.dedupeKey)).toEqual([
      "job:report-sync:storage:2030-01-01T10:00:00.000Z",
      "job:report-sync:storage:2030-01-01T10:02:00.000Z",
    ]);
  });
});

/** A ledger keeping one job's state in memory: transitions apply; deliverPending answers `report()`. */
function statefulLedger(report: () => DeliveryReport = () => ({ sent: [], failed: [] })) {
  const calls: string[] = [];
  let state: StoredAlertState = unalerted("job:report-sync");
  const ledger: AlertLedger = {
    getState: () => (calls.push("getState"), Promise.resolve(state)),
    states: () => Promise.reject(new Error("not used")),
    recentAlerts: () => Promise.reject(new Error("not used")),
    transition: (_subject, _expected, next) => {
      calls.push("transition");
      state = { ...next, version: `v${calls.length}` };
      return Promise.resolve({ applied: true, state });
    },
    deliverPending: () => (calls.push("deliverPending"), Promise.resolve(report())),
  };
  return { ledger, calls };
}

describe("createJobNotifier on a warm instance", () => {
  const succeeded = (runId: string) => runResultFor({ runId });
  const failed = (runId: string) => failedRunFor({ runId });
  const standing = (consecutiveFailures: number, uninterrupted: boolean): RunRecording => ({
    recorded: true,
    standing: { consecutiveFailures, lastSuccessAt: null, uninterrupted },
  });

  it("makes no ledger call for a run that changes nothing, after a pass that left nothing pending", async () => {
    const { ledger, calls } = statefulLedger();
    const notify = createJobNotifier({ channels: [channel("webhook").channel], ledger, threshold: 2 });

    expect(await notify(job, succeeded("a"), standing(0, false), context())).toEqual({
      via: "ledger",
      ledgerError: null,
    });
    expect(calls).toEqual(["getState", "deliverPending"]);
    calls.length = 0;
    expect(await notify(job, succeeded("b"), standing(0, true), context())).toEqual({
      via: "none",
      ledgerError: null,
    });
    // A failure below the threshold changes nothing either.
    await notify(job, failed("c"), standing(1, true), context());
    expect(calls).toEqual([]);
  });

  it("goes through the ledger when the recording was interrupted: another instance may have moved the state", async () => {
    const { ledger, calls } = statefulLedger();
    const notify = createJobNotifier({ channels: [channel("webhook").channel], ledger, threshold: 2 });
    await notify(job, succeeded("a"), standing(0, false), context());
    calls.length = 0;

    await notify(job, succeeded("b"), standing(0, false), context());
    await notify(
      job,
      succeeded("c"),
      { recorded: true, standing: { consecutiveFailures: 0, lastSuccessAt: null } },
      context(),
    );
    expect(calls).toEqual(["getState", "deliverPending", "getState", "deliverPending"]);
  });

  it("fires and resolves through the ledger from the state it kept, and skips what follows each", async () => {
    const { ledger, calls } = statefulLedger();
    const webhook = channel("webhook");
    const notify = createJobNotifier({ channels: [webhook.channel], ledger, threshold: 2 });
    await notify(job, failed("a"), standing(1, false), context());
    calls.length = 0;

    await notify(job, failed("b"), standing(2, true), context());
    expect(calls).toEqual(["getState", "transition", "deliverPending"]);
    calls.length = 0;
    // Firing, and failing still: nothing to do.
    await notify(job, failed("c"), standing(3, true), context());
    expect(calls).toEqual([]);
    // Recovered: resolved through the ledger.
    await notify(job, succeeded("d"), standing(0, true), context());
    expect(calls).toEqual(["getState", "transition", "deliverPending"]);
    calls.length = 0;
    await notify(job, succeeded("e"), standing(0, true), context());
    expect(calls).toEqual([]);
  });

  it("reads the ledger again after a pass that left a delivery to retry, and after ALERT_RECHECK_MS", async () => {
    let failedDeliveries: DeliveryReport["failed"] = [
      { dedupeKey: "k", channel: "webhook", error: "HTTP 500", code: null, attempts: 1, gaveUp: false },
    ];
    const { ledger, calls } = statefulLedger(() => ({ sent: [], failed: failedDeliveries }));
    const time = manualClock(Date.parse("2030-01-01T10:00:00.000Z"));
    const notify = createJobNotifier({
      channels: [channel("webhook").channel],
      ledger,
      threshold: 2,
      clock: time.clock,
    });
    await notify(job, succeeded("a"), standing(0, false), context());
    await notify(job, succeeded("b"), standing(0, true), context());
    expect(calls).toEqual(["getState", "deliverPending", "getState", "deliverPending"]);

    // Given up: nothing left to send.
    failedDeliveries = [{ ...failedDeliveries[0]!, attempts: 5, gaveUp: true }];
    await notify(job, succeeded("c"), standing(0, true), context());
    calls.length = 0;
    time.advance(ALERT_RECHECK_MS - 1);
    await notify(job, succeeded("d"), standing(0, true), context());
    expect(calls).toEqual([]);
    time.advance(1);
    await notify(job, succeeded("e"), standing(0, true), context());
    expect(calls).toEqual(["getState", "deliverPending"]);
  });

  it("reads the ledger again after it failed", async () => {
    const { ledger, calls } = statefulLedger();
    let down = false;
    const flaky: AlertLedger = {
      ...ledger,
      getState: (subject, options) =>
        down ? Promise.reject(storageDown) : ledger.getState(subject, options),
    };
    const notify = createJobNotifier({ channels: [channel("webhook").channel], ledger: flaky, threshold: 2 });
    await notify(job, succeeded("a"), standing(0, false), context());
    down = true;
    await notify(job, failed("b"), standing(1, false), context());
    down = false;
    calls.length = 0;
    await notify(job, succeeded("c"), standing(0, true), context());
    expect(calls).toEqual(["getState", "deliverPending"]);
  });
});
