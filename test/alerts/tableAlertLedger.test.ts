import { TableClient } from "@azure/data-tables";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type Azurite } from "../../dev/azurite/startAzurite.js";
import type { Alert, AlertChannel } from "../../src/alerts/Alert.js";
import { AlertChannelError } from "../../src/alerts/AlertChannelError.js";
import type { AlertLedger, AlertState, StoredAlertState } from "../../src/alerts/AlertLedger.js";
import {
  decideConditionAlert,
  type AlertCondition,
  type AlertResolution,
} from "../../src/alerts/decideConditionAlert.js";
import { tableAlertLedger } from "../../src/alerts/tableAlertLedger.js";
import { tableClientFor } from "../../src/state/tableClientFor.js";
import { freshTableName } from "../state/freshTableName.js";
import { manualClock } from "../support/manualClock.js";
import { fakeChannel } from "./fakeChannel.js";
import { sampleAlert } from "./sampleAlert.js";

let azurite: Azurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});

const CLAIM_TIMEOUT_MS = 60_000;
const SUBJECT = "job:report-sync";
const T0 = Date.UTC(2030, 0, 1, 10, 0);

/** Several app instances sharing one ledger table: each has its own SDK client, as separate processes would. */
function instances(count: number) {
  const tableName = freshTableName("alerts");
  const time = manualClock(T0);
  const ledgers: AlertLedger[] = Array.from({ length: count }, (_, i) =>
    tableAlertLedger(
      tableClientFor({ kind: "connection-string", connectionString: azurite.connectionString }, tableName),
      { clock: time.clock, claimTimeoutMs: CLAIM_TIMEOUT_MS, instanceId: `instance-${i}` },
    ),
  );
  const rawTable = () =>
    TableClient.fromConnectionString(azurite.connectionString, tableName, { allowInsecureConnection: true });
  return { ledgers, time, rawTable };
}

const fireAlert = sampleAlert();
const firingState = (alert: Alert = fireAlert): AlertState => ({
  subject: alert.subject,
  status: "firing",
  step: "failures>=3",
  since: alert.occurredAt,
  lastAlertKey: alert.dedupeKey,
});
const resolveAlert = sampleAlert({
  kind: "resolved",
  severity: "info",
  title: "Job 'report-sync' recovered",
  dedupeKey: "job:report-sync:resolved:2030-01-01T10:00:00.000Z",
  occurredAt: "2030-01-01T11:00:00.000Z",
});
const okState: AlertState = {
  subject: SUBJECT,
  status: "ok",
  step: null,
  since: "2030-01-01T11:00:00.000Z",
  lastAlertKey: resolveAlert.dedupeKey,
};

async function fire(ledger: AlertLedger, channels: ReturnType<typeof fakeChannel>[], alert = fireAlert) {
  const state = await ledger.getState(alert.subject);
  return ledger.transition(
    alert.subject,
    state,
    firingState(alert),
    alert,
    channels.map((c) => c.channel),
  );
}

describe("tableAlertLedger", () => {
  it("reads a subject it has never seen as ok, with nothing to expect", async () => {
    const {
      ledgers: [ledger],
    } = instances(1);

    expect(await ledger!.getState(SUBJECT)).toEqual({
      subject: SUBJECT,
      status: "ok",
      step: null,
      since: null,
      lastAlertKey: null,
      version: null,
    });
  });

  it("moves the state and enqueues one delivery per channel, each sent once", async () => {
    const {
      ledgers: [ledger],
    } = instances(1);
    const teams = fakeChannel("teams");
    const slack = fakeChannel("slack");

    const result = await fire(ledger!, [teams, slack]);
    const report = await ledger!.deliverPending([teams.channel, slack.channel]);

    expect(result).toMatchObject({
      applied: true,
      state: { ...firingState(), version: expect.any(String) as unknown },
    });
    expect(await ledger!.getState(SUBJECT)).toEqual((result as { state: StoredAlertState }).state);
    expect(teams.sent).toEqual([fireAlert]);
    expect(slack.sent).toEqual([fireAlert]);
    expect(report).toEqual({
      sent: expect.arrayContaining([
        { dedupeKey: fireAlert.dedupeKey, channel: "teams" },
        { dedupeKey: fireAlert.dedupeKey, channel: "slack" },
      ]) as unknown,
      failed: [],
    });
    expect(await ledger!.deliverPending([teams.channel, slack.channel])).toEqual({ sent: [], failed: [] });
  });

  it("sends one subject's deliveries only when asked for that subject (a query of its partition)", async () => {
    const {
      ledgers: [ledger],
    } = instances(1);
    const teams = fakeChannel("teams");
    const other = sampleAlert({ subject: "certificate:vault/a", dedupeKey: "certificate:vault/a|1" });
    await fire(ledger!, [teams]);
    await fire(ledger!, [teams], other);

    const report = await ledger!.deliverPending([teams.channel], { subject: SUBJECT });

    expect(report.sent).toEqual([{ dedupeKey: fireAlert.dedupeKey, channel: "teams" }]);
    expect(teams.sent).toEqual([fireAlert]);
    // The other subject's delivery is still pending for the run that speaks for it.
    expect((await ledger!.deliverPending([teams.channel])).sent).toEqual([
      { dedupeKey: other.dedupeKey, channel: "teams" },
    ]);
  });

  it("enqueues an alert once when the same episode fires twice (a repeat, or a stale retry)", async () => {
    const {
      ledgers: [ledger],
    } = instances(1);
    const teams = fakeChannel("teams");
    const before = await ledger!.getState(SUBJECT);

    const first = await ledger!.transition(SUBJECT, before, firingState(), fireAlert, [teams.channel]);
    const staleRetry = await ledger!.transition(SUBJECT, before, firingState(), fireAlert, [teams.channel]);
    const repeat = await ledger!.transition(
      SUBJECT,
      await ledger!.getState(SUBJECT),
      firingState(),
      fireAlert,
      [teams.channel],
    );
    await ledger!.deliverPending([teams.channel]);

    expect([first.applied, staleRetry.applied, repeat.applied]).toEqual([true, false, false]);
    expect(staleRetry).toMatchObject({ current: { status: "firing", lastAlertKey: fireAlert.dedupeKey } });
    expect(teams.sent).toHaveLength(1);
  });

  it("lets exactly one of five instances racing from the same state apply, and sends only its alert", async () => {
    const { ledgers } = instances(5);
    const webhook = fakeChannel("webhook");
    const state = await ledgers[0]!.getState(SUBJECT);
    // Different alerts from the same state (say, two certificate steps): only the winner's may go out.
    const alerts = ledgers.map((_, i) => sampleAlert({ dedupeKey: `job:report-sync:firing:attempt-${i}` }));

    const results = await Promise.all(
      ledgers.map((ledger, i) =>
        ledger.transition(SUBJECT, state, firingState(alerts[i]), alerts[i]!, [webhook.channel]),
      ),
    );
    await Promise.all(ledgers.map((ledger) => ledger.deliverPending([webhook.channel])));

    const winners = results.flatMap((r, i) => (r.applied ? [i] : []));
    expect(winners).toHaveLength(1);
    expect(webhook.sent).toEqual([alerts[winners[0]!]]);
    for (const r of results) {
      if (!r.applied) expect(r.current.lastAlertKey).toBe(alerts[winners[0]!]!.dedupeKey);
    }
  });

  it("keeps a failed delivery and sends it on the next run; the other channel is not held up", async () => {
    const {
      ledgers: [ledger],
    } = instances(1);
    const teams = fakeChannel("teams");
    const slack = fakeChannel("slack");
    teams.failNext();
    await fire(ledger!, [teams, slack]);

    const firstRun = await ledger!.deliverPending([teams.channel, slack.channel]);
    const secondRun = await ledger!.deliverPending([teams.channel, slack.channel]);

    expect(firstRun).toEqual({
      sent: [{ dedupeKey: fireAlert.dedupeKey, channel: "slack" }],
      failed: [
        {
          dedupeKey: fireAlert.dedupeKey,
          channel: "teams",
          error: "teams answered HTTP 500",
          code: null,
          attempts: 1,
          gaveUp: false,
        },
      ],
    });
    expect(secondRun).toEqual({ sent: [{ dedupeKey: fireAlert.dedupeKey, channel: "teams" }], failed: [] });
    expect(teams.sent).toEqual([fireAlert]);
    expect(slack.sent).toEqual([fireAlert]);
  });

  it("names a failed delivery's code, as the channel gave it", async () => {
    const {
      ledgers: [ledger],
    } = instances(1);
    const webhook = fakeChannel("webhook");
    await fire(ledger!, [webhook]);
    const refusing: AlertChannel = {
      name: "webhook",
      send: () =>
        Promise.reject(
          new AlertChannelError("ALERT_CHANNEL_REJECTED", "Alert channel 'webhook' answered HTTP 429.", {
            channel: "webhook",
            status: 429,
          }),
        ),
    };

    const report = await ledger!.deliverPending([refusing]);

    expect(report.failed).toMatchObject([
      {
        channel: "webhook",
        code: "ALERT_CHANNEL_REJECTED",
        error: "Alert channel 'webhook' answered HTTP 429.",
      },
    ]);
  });

  it("records status, attempts, last error and sent time on the delivery row", async () => {
    const {
      ledgers: [ledger],
      time,
      rawTable,
    } = instances(1);
    const teams = fakeChannel("teams");
    teams.failNext();
    await fire(ledger!, [teams]);
    await ledger!.deliverPending([teams.channel]);
    time.advance(5 * 60_000);
    await ledger!.deliverPending([teams.channel]);

    const rows = [];
    for await (const entity of rawTable().listEntities()) rows.push(entity);
    expect(rows.map((r) => [r.partitionKey, r.rowKey])).toEqual([
      ["job:report-sync", "delivery|job:report-sync:firing:after:2030-01-01T09:00:00.000Z|teams"],
      ["job:report-sync", "state"],
    ]);
    expect(rows[0]).toMatchObject({
      kind: "delivery",
      subject: SUBJECT,
      dedupeKey: fireAlert.dedupeKey,
      channel: "teams",
      status: "sent",
      attempts: 2,
      lastError: "teams answered HTTP 500",
      sentAt: "2030-01-01T10:05:00.000Z",
    });
    expect(rows[0]).not.toHaveProperty("claimedUntil");
    expect(JSON.parse(rows[0]!.alert as string)).toEqual(fireAlert);
  });

  it("sends each delivery once when two instances deliver at the same time", async () => {
    const { ledgers } = instances(2);
    const teams = fakeChannel("teams");
    const slack = fakeChannel("slack");
    const subjects = ["job:a", "job:b", "job:c"];
    for (const subject of subjects) {
      await fire(
        ledgers[0]!,
        [teams, slack],
        sampleAlert({ subject, dedupeKey: `${subject}:firing:after:none` }),
      );
    }

    const reports = await Promise.all(ledgers.map((l) => l.deliverPending([teams.channel, slack.channel])));

    expect(teams.started.map((a) => a.subject).sort()).toEqual(subjects);
    expect(slack.started.map((a) => a.subject).sort()).toEqual(subjects);
    const sent = reports.flatMap((r) => r.sent.map((s) => `${s.channel} ${s.dedupeKey}`)).sort();
    expect(sent).toEqual([...new Set(sent)]);
    expect(sent).toHaveLength(6);
  });

  it("leaves a delivery claimed by a sender that hangs or died, and retries it once the claim is older than the timeout", async () => {
    const { ledgers, time } = instances(2);
    const teams = fakeChannel("teams");
    await fire(ledgers[0]!, [teams]);
    const release = teams.holdNext();
    const stuck = ledgers[0]!.deliverPending([teams.channel]);
    await expect.poll(() => teams.started.length).toBe(1);

    time.advance(CLAIM_TIMEOUT_MS - 1);
    const whileClaimed = await ledgers[1]!.deliverPending([teams.channel]);
    time.advance(2);
    const afterTimeout = await ledgers[1]!.deliverPending([teams.channel]);
    release(); // the stuck sender finishes after all: its message went out too (a claim cannot stop that)
    const late = await stuck;

    expect(whileClaimed).toEqual({ sent: [], failed: [] });
    expect(afterTimeout.sent).toEqual([{ dedupeKey: fireAlert.dedupeKey, channel: "teams" }]);
    expect(teams.started).toHaveLength(2);
    expect(late.sent).toEqual([{ dedupeKey: fireAlert.dedupeKey, channel: "teams" }]);
  });

  it("gives a delivery up after maxAttempts and says so", async () => {
    const {
      ledgers: [ledger],
    } = instances(1);
    const teams = fakeChannel("teams");
    teams.failNext(5);
    await fire(ledger!, [teams]);

    const first = await ledger!.deliverPending([teams.channel], { maxAttempts: 2 });
    const second = await ledger!.deliverPending([teams.channel], { maxAttempts: 2 });
    const third = await ledger!.deliverPending([teams.channel], { maxAttempts: 2 });

    expect(first.failed).toMatchObject([{ attempts: 1, gaveUp: false }]);
    expect(second.failed).toMatchObject([{ attempts: 2, gaveUp: true }]);
    expect(third).toEqual({ sent: [], failed: [] });
    expect(teams.started).toHaveLength(2);
  });

  it("sends one 'recovered' message after the firing one, in the order raised", async () => {
    const {
      ledgers: [ledger],
    } = instances(1);
    const teams = fakeChannel("teams");
    teams.failNext(); // the firing message waits for the next run, which also has the resolve to send
    await fire(ledger!, [teams]);
    await ledger!.deliverPending([teams.channel]);

    const firing = await ledger!.getState(SUBJECT);
    const resolved = await ledger!.transition(SUBJECT, firing, okState, resolveAlert, [teams.channel]);
    const again = await ledger!.transition(SUBJECT, firing, okState, resolveAlert, [teams.channel]);
    await ledger!.deliverPending([teams.channel]);
    await ledger!.deliverPending([teams.channel]);

    expect([resolved.applied, again.applied]).toEqual([true, false]);
    expect(teams.sent.map((a) => a.kind)).toEqual(["firing", "resolved"]);
    expect(await ledger!.getState(SUBJECT)).toMatchObject({
      status: "ok",
      lastAlertKey: resolveAlert.dedupeKey,
    });
  });

  it("delivers a condition that fires, resolves and comes back in the same episode each time (decideConditionAlert's keys)", async () => {
    const {
      ledgers: [ledger],
      time,
    } = instances(1);
    const slack = fakeChannel("slack");
    const subject = "certificate:drift/ORPHANED_KEYS";
    const condition: AlertCondition = {
      subject,
      episode: "found",
      urgency: 1,
      label: "orphaned keys",
      severity: "warning",
      title: "Orphaned keys",
      text: "A key nobody knows is registered.",
      facts: [],
    };
    const resolution: AlertResolution = { title: "No orphaned keys", text: "Gone.", facts: [] };
    const step = async (found: boolean) => {
      const state = await ledger!.getState(subject);
      const decision = decideConditionAlert({
        subject,
        state,
        condition: found ? condition : null,
        resolution,
        now: time.clock(),
      });
      if (decision.action === "none") return "none";
      const result = await ledger!.transition(subject, state, decision.next, decision.alert, [slack.channel]);
      await ledger!.deliverPending([slack.channel]);
      time.advance(86_400_000);
      return result.applied ? decision.action : "refused";
    };

    expect([
      await step(true),
      await step(true),
      await step(false),
      await step(true),
      await step(false),
    ]).toEqual(["fire", "none", "resolve", "fire", "resolve"]);
    expect(slack.sent.map((a) => a.kind)).toEqual(["firing", "resolved", "firing", "resolved"]);
  });

  it("reads the states under some prefixes in one query: firing, resolved since, and no other subject", async () => {
    const {
      ledgers: [ledger],
    } = instances(1);
    const teams = fakeChannel("teams");
    const certificate = (name: string) =>
      sampleAlert({ subject: `certificate:vault/${name}`, dedupeKey: `certificate:vault/${name}|1` });
    for (const alert of [certificate("a"), certificate("b"), fireAlert]) await fire(ledger!, [teams], alert);
    const b = await ledger!.getState("certificate:vault/b");
    await ledger!.transition(
      "certificate:vault/b",
      b,
      { subject: "certificate:vault/b", status: "ok", step: null, since: T0.toString(), lastAlertKey: null },
      null,
      [],
    );

    const states = await ledger!.states(["certificate:"]);
    expect([...states.values()].map((s) => [s.subject, s.status]).sort()).toEqual([
      ["certificate:vault/a", "firing"],
      ["certificate:vault/b", "ok"],
    ]);
    // Each as getState reads it, ETag included: a transition can be made on it.
    expect(states.get("certificate:vault/a")).toEqual(await ledger!.getState("certificate:vault/a"));
    expect([...(await ledger!.states(["certificate:", SUBJECT])).keys()].sort()).toEqual([
      "certificate:vault/a",
      "certificate:vault/b",
      SUBJECT,
    ]);
    expect(await ledger!.states(["rotation:"])).toEqual(new Map());
  });

  it("reads a prefix whose characters are escaped in keys as the range of its subjects' keys", async () => {
    const {
      ledgers: [ledger],
    } = instances(1);
    const teams = fakeChannel("teams");
    const subjects = ["drift:app/x", "drift:app/ü", "drift:app0", "drift:app", "drift:ap~"];
    for (const subject of subjects)
      await fire(ledger!, [teams], sampleAlert({ subject, dedupeKey: `${subject}|1` }));

    expect([...(await ledger!.states(["drift:app/"])).keys()].sort()).toEqual(["drift:app/x", "drift:app/ü"]);
    expect([...(await ledger!.states(["drift:ap"])).keys()].sort()).toEqual([
      "drift:app",
      "drift:app/x",
      "drift:app/ü",
      "drift:app0",
      "drift:ap~",
    ]);
    expect((await ledger!.states([""])).size).toBe(subjects.length);
  });

  it("lists recent alerts newest first, with each channel's delivery", async () => {
    const {
      ledgers: [ledger],
    } = instances(1);
    const teams = fakeChannel("teams");
    const slack = fakeChannel("slack");
    slack.failNext();
    const old = sampleAlert({
      subject: "job:a",
      dedupeKey: "job:a|1",
      occurredAt: "2029-12-01T00:00:00.000Z",
    });
    const first = sampleAlert({
      subject: "job:b",
      dedupeKey: "job:b|1",
      occurredAt: "2030-01-01T09:00:00.000Z",
    });
    const second = sampleAlert({
      subject: "job:c",
      dedupeKey: "job:c|1",
      occurredAt: "2030-01-01T09:30:00.000Z",
    });
    for (const alert of [old, first, second]) await fire(ledger!, [teams, slack], alert);
    await ledger!.deliverPending([teams.channel, slack.channel]);

    const recent = await ledger!.recentAlerts(new Date("2030-01-01T00:00:00.000Z"), 10);
    expect(recent.map((r) => r.alert.dedupeKey)).toEqual(["job:c|1", "job:b|1"]);
    const all = await ledger!.recentAlerts(new Date("2029-01-01T00:00:00.000Z"), 10);
    expect(all.map((r) => r.alert.dedupeKey)).toEqual(["job:c|1", "job:b|1", "job:a|1"]);
    // Slack failed the first alert it was sent (the oldest): its delivery says so, Teams' says sent.
    expect(all[2]!.deliveries.map((d) => [d.channel, d.status, d.attempts])).toEqual([
      ["slack", "failed", 1],
      ["teams", "sent", 1],
    ]);
    expect(await ledger!.recentAlerts(new Date("2029-01-01T00:00:00.000Z"), 1)).toHaveLength(1);
  });

  it("keeps deliveries for a channel that is not configured now, and sends them when it is back", async () => {
    const {
      ledgers: [ledger],
    } = instances(1);
    const teams = fakeChannel("teams");
    const slack = fakeChannel("slack");
    await fire(ledger!, [teams, slack]);

    const withoutSlack = await ledger!.deliverPending([teams.channel]);
    const withSlack = await ledger!.deliverPending([teams.channel, slack.channel]);

    expect(withoutSlack.sent.map((s) => s.channel)).toEqual(["teams"]);
    expect(withSlack.sent.map((s) => s.channel)).toEqual(["slack"]);
  });

  it("moves state without an alert (nothing to send), and takes any subject, '/' and quotes included", async () => {
    const {
      ledgers: [ledger],
    } = instances(1);
    const subject = "certificate:kv-prod/app's cert";
    const teams = fakeChannel("teams");

    const result = await ledger!.transition(
      subject,
      await ledger!.getState(subject),
      { subject, status: "ok", step: null, since: "2030-01-01T10:00:00.000Z", lastAlertKey: null },
      null,
      [teams.channel],
    );

    expect(result.applied).toBe(true);
    expect(await ledger!.getState(subject)).toMatchObject({
      subject,
      status: "ok",
      since: "2030-01-01T10:00:00.000Z",
    });
    expect(await ledger!.deliverPending([teams.channel])).toEqual({ sent: [], failed: [] });
  });

  it("refuses a transition whose alert is not the one the next state names", async () => {
    const {
      ledgers: [ledger],
    } = instances(1);

    await expect(
      ledger!.transition(
        SUBJECT,
        await ledger!.getState(SUBJECT),
        { ...firingState(), lastAlertKey: "something-else" },
        fireAlert,
        [],
      ),
    ).rejects.toMatchObject({
      code: "ALERT_TRANSITION_INVALID",
      message:
        "Cannot move 'job:report-sync': the next state's lastAlertKey 'something-else' is not the alert's " +
        "'job:report-sync:firing:after:2030-01-01T09:00:00.000Z'. This is a bug in the caller.",
    });
  });
});
