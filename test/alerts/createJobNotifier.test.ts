import { describe, expect, it } from "vitest";
import type { Alert, AlertChannel } from "../../src/alerts/Alert.js";
import type { AlertLedger, DeliverOptions, LedgerCallOptions } from "../../src/alerts/AlertLedger.js";
import { createJobNotifier } from "../../src/alerts/createJobNotifier.js";
import { systemClock } from "../../src/clock/Clock.js";
import { createDeadline, type Deadline } from "../../src/clock/Deadline.js";
import type { JobDefinition } from "../../src/jobs/JobDefinition.js";
import type { JobNotifyContext, RunRecording } from "../../src/jobs/JobOutcomeNotifier.js";
import { TimedOutError } from "../../src/errors.js";
import { failedRunFor } from "../state/runResultFor.js";
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
