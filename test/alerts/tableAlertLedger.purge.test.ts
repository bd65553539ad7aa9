import { TableClient } from "@azure/data-tables";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type Azurite } from "../../dev/azurite/startAzurite.js";
import type { Alert } from "../../src/alerts/Alert.js";
import { decideJobAlert } from "../../src/alerts/decideJobAlert.js";
import { tableAlertLedger } from "../../src/alerts/tableAlertLedger.js";
import { retentionCutoff } from "../../src/state/retentionPlan.js";
import { tableClientFor } from "../../src/state/tableClientFor.js";
import { failedRunFor } from "../state/runResultFor.js";
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

const NOW = Date.UTC(2030, 2, 1, 6, 0);
const CUTOFF = retentionCutoff(new Date(NOW), 30);
const OLD = "2030-01-01T10:00:00.000Z";
const RECENT = "2030-02-28T10:00:00.000Z";

function freshLedger() {
  const tableName = freshTableName("alerts");
  const time = manualClock(NOW);
  const ledger = tableAlertLedger(
    tableClientFor({ kind: "connection-string", connectionString: azurite.connectionString }, tableName),
    { clock: time.clock },
  );
  const raw = TableClient.fromConnectionString(azurite.connectionString, tableName, {
    allowInsecureConnection: true,
  });
  const rows = async (kind: "state" | "delivery") => {
    const found: string[] = [];
    for await (const row of raw.listEntities<{ subject: string; channel?: string; status?: string }>({
      queryOptions: { filter: `kind eq '${kind}'` },
    })) {
      found.push(kind === "state" ? row.subject : `${row.subject} ${row.channel} ${row.status}`);
    }
    return found.sort();
  };
  return { ledger, rows };
}

/** A job's firing alert as the policy raises it, raised at `occurredAt`. */
const alertOf = (job: string, occurredAt: string): Alert =>
  sampleAlert({ subject: `job:${job}`, dedupeKey: `job:${job}:firing:after:none`, occurredAt });

describe("tableAlertLedger.purgeBefore", () => {
  /**
   * Five subjects: sent long ago on two channels (a), given up long ago on one channel and sent on another (b),
   * failed long ago and still to be retried (c), waiting long for a channel no longer configured (d), sent
   * recently (e).
   */
  async function ledgerWithHistory() {
    const world = freshLedger();
    const { ledger } = world;
    const teams = fakeChannel("teams");
    const slack = fakeChannel("slack");
    const dead = fakeChannel("dead");
    const flaky = fakeChannel("flaky");
    const fire = async (job: string, occurredAt: string, channels: ReturnType<typeof fakeChannel>[]) => {
      const alert = alertOf(job, occurredAt);
      const subject = alert.subject;
      const next = {
        subject,
        status: "firing" as const,
        step: "failures>=3",
        since: occurredAt,
        lastAlertKey: alert.dedupeKey,
      };
      const result = await ledger.transition(
        subject,
        await ledger.getState(subject),
        next,
        alert,
        channels.map((c) => c.channel),
      );
      expect(result.applied).toBe(true);
    };

    await fire("b", OLD, [dead, slack]);
    dead.failNext(1000);
    for (let attempt = 1; attempt <= 15; attempt++)
      await ledger.deliverPending([dead.channel, slack.channel]);
    await fire("c", OLD, [flaky]);
    flaky.failNext(3);
    for (let attempt = 1; attempt <= 3; attempt++) await ledger.deliverPending([flaky.channel]);
    await fire("a", OLD, [teams, slack]);
    await fire("e", RECENT, [teams]);
    await ledger.deliverPending([teams.channel, slack.channel]);
    await fire("d", OLD, [fakeChannel("retired")]);
    return world;
  }

  it("deletes delivered rows raised before the cutoff — sent, or given up — and keeps every other row", async () => {
    const { ledger, rows } = await ledgerWithHistory();
    expect(await rows("delivery")).toEqual([
      "job:a slack sent",
      "job:a teams sent",
      "job:b dead failed",
      "job:b slack sent",
      "job:c flaky failed",
      "job:d retired pending",
      "job:e teams sent",
    ]);

    const report = await ledger.purgeBefore(CUTOFF, { maxBatches: 10 });

    expect(report).toEqual({ deleted: 4, batches: 2, complete: true });
    expect(await rows("delivery")).toEqual([
      "job:c flaky failed",
      "job:d retired pending",
      "job:e teams sent",
    ]);
    expect(await rows("state")).toEqual(["job:a", "job:b", "job:c", "job:d", "job:e"]);
    expect(await ledger.purgeBefore(CUTOFF, { maxBatches: 10 })).toEqual({
      deleted: 0,
      batches: 0,
      complete: true,
    });
  });

  it("keeps what dedupe reads: a job still failing after its alert's rows are deleted is not alerted again", async () => {
    const { ledger } = await ledgerWithHistory();
    await ledger.purgeBefore(CUTOFF, { maxBatches: 10 });

    const state = await ledger.getState("job:a");
    const decision = decideJobAlert({
      job: "a",
      state,
      run: failedRunFor({ job: "a" }),
      consecutiveFailures: 40,
      lastSuccessAt: null,
      threshold: 3,
      now: new Date(NOW),
    });

    expect(state).toMatchObject({ status: "firing", lastAlertKey: "job:a:firing:after:none" });
    expect(decision.action).toBe("none");
  });

  it("deletes at most maxBatches transactions per purge; the next purge goes on", async () => {
    const { ledger, rows } = await ledgerWithHistory();

    const first = await ledger.purgeBefore(CUTOFF, { maxBatches: 1 });
    const second = await ledger.purgeBefore(CUTOFF, { maxBatches: 1 });

    // One transaction per subject (partition): job:a's two rows, then job:b's two.
    expect([first, second]).toEqual([
      { deleted: 2, batches: 1, complete: false },
      { deleted: 2, batches: 1, complete: true },
    ]);
    expect(await rows("delivery")).toHaveLength(3);
  });

  it("keeps a row an instance is sending now, on its last attempt", async () => {
    const { ledger, rows } = freshLedger();
    const slow = fakeChannel("slow");
    const alert = alertOf("f", OLD);
    const next = {
      subject: alert.subject,
      status: "firing" as const,
      step: "failures>=3",
      since: OLD,
      lastAlertKey: alert.dedupeKey,
    };
    await ledger.transition(alert.subject, await ledger.getState(alert.subject), next, alert, [slow.channel]);
    slow.failNext(14);
    for (let attempt = 1; attempt <= 14; attempt++) await ledger.deliverPending([slow.channel]);
    const release = slow.holdNext();
    const sending = ledger.deliverPending([slow.channel]);
    await expect.poll(() => slow.started.length).toBe(15);

    const report = await ledger.purgeBefore(CUTOFF, { maxBatches: 10 });
    release();

    expect(report).toEqual({ deleted: 0, batches: 0, complete: true });
    expect((await sending).sent).toEqual([{ dedupeKey: alert.dedupeKey, channel: "slow" }]);
    expect(await rows("delivery")).toEqual(["job:f slow sent"]);
  });

  it("stops, incomplete, when its signal has aborted", async () => {
    const { ledger, rows } = await ledgerWithHistory();

    expect(
      await ledger.purgeBefore(CUTOFF, { maxBatches: 10, signal: AbortSignal.abort(new Error("deadline")) }),
    ).toEqual({ deleted: 0, batches: 0, complete: false });
    expect(await rows("delivery")).toHaveLength(7);
  });
});
