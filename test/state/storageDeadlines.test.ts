import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type Azurite } from "../../dev/azurite/startAzurite.js";
import type { AlertChannel } from "../../src/alerts/Alert.js";
import { tableAlertLedger } from "../../src/alerts/tableAlertLedger.js";
import { systemClock } from "../../src/clock/Clock.js";
import { createDeadline } from "../../src/clock/Deadline.js";
import { tableClientFor } from "../../src/state/tableClientFor.js";
import { tableLeaseStore } from "../../src/state/tableLeaseStore.js";
import { tableRunHistory } from "../../src/state/tableRunHistory.js";
import { sampleAlert } from "../alerts/sampleAlert.js";
import { freshTableName } from "./freshTableName.js";
import { runResultFor } from "./runResultFor.js";

/**
 * Every Table Storage call the app makes is bounded by the deadline it is given: a hung Table Storage (the fault proxy
 * in front of Azurite, the real SDK behind) ends the call at the deadline with TIMED_OUT naming Table Storage.
 */
let azurite: Azurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});
afterEach(() => azurite.tableFaults.clear());

const BUDGET_MS = 400;
const deadline = () => createDeadline({ budgetMs: BUDGET_MS, clock: systemClock });
const table = (name = freshTableName()) =>
  tableClientFor({ kind: "connection-string", connectionString: azurite.faultyConnectionString }, name);

/** Runs `work` and returns what it rejected with, and how long that took. */
async function timed(work: () => Promise<unknown>) {
  const started = Date.now();
  const error = await work().then(
    () => new Error("expected the call to fail"),
    (e: unknown) => e,
  );
  return { error, elapsedMs: Date.now() - started };
}

const timedOut = {
  code: "TIMED_OUT",
  edge: "Table Storage",
  message: expect.stringMatching(
    /^Table Storage did not answer within 0\.4 s: the invocation's deadline was reached\./,
  ) as unknown,
};

describe("Table Storage calls within a deadline", () => {
  it("ends a lease acquisition that hangs at the deadline", async () => {
    const leases = tableLeaseStore(table(), { clock: systemClock });
    await leases.acquire("warm-up", "me", 60_000); // the table exists
    azurite.tableFaults.enqueue({ kind: "hang" });

    const { error, elapsedMs } = await timed(() =>
      leases.acquire("job-report-sync", "me", 60_000, { deadline: deadline() }),
    );

    expect(error).toMatchObject(timedOut);
    expect(elapsedMs).toBeLessThan(BUDGET_MS + 500);
  });

  it("ends a lease release and renewal that hang at the deadline", async () => {
    const leases = tableLeaseStore(table(), { clock: systemClock });
    const taken = await leases.acquire("job-report-sync", "me", 60_000);
    if (!taken.acquired) throw new Error("expected the lease");
    azurite.tableFaults.enqueue({ kind: "hang" }, { kind: "hang" });

    expect(
      (await timed(() => leases.renew(taken.lease, 60_000, { deadline: deadline() }))).error,
    ).toMatchObject(timedOut);
    expect((await timed(() => leases.release(taken.lease, { deadline: deadline() }))).error).toMatchObject(
      timedOut,
    );
  });

  it("ends recording a run that hangs at the deadline, and the same run is recorded once storage answers", async () => {
    const history = tableRunHistory(table());
    await history.summaries();
    azurite.tableFaults.enqueue({ kind: "hang" });

    const { error, elapsedMs } = await timed(() => history.record(runResultFor(), { deadline: deadline() }));

    expect(error).toMatchObject(timedOut);
    expect(elapsedMs).toBeLessThan(BUDGET_MS + 500);
    await expect(history.record(runResultFor(), { deadline: deadline() })).resolves.toMatchObject({
      totalRuns: 1,
    });
  });

  it("ends a read of history that hangs, and a throttled one whose Retry-After outlasts the deadline", async () => {
    const history = tableRunHistory(table());
    await history.record(runResultFor());
    azurite.tableFaults.enqueue({ kind: "hang" }, { kind: "throttle", retryAfter: "30" });

    expect(
      (await timed(() => history.recent("report-sync", 5, { deadline: deadline() }))).error,
    ).toMatchObject(timedOut);
    const throttled = await timed(() => history.summaries({ deadline: deadline() }));
    expect(throttled.error).toMatchObject(timedOut);
    expect(throttled.elapsedMs).toBeLessThan(BUDGET_MS + 500);
  });

  it("forgets a table creation that hung, so the next call creates the table", async () => {
    const name = freshTableName();
    const leases = tableLeaseStore(table(name), { clock: systemClock });
    azurite.tableFaults.enqueueFor("Tables", { kind: "hang" });

    expect(
      (await timed(() => leases.acquire("job-report-sync", "me", 60_000, { deadline: deadline() }))).error,
    ).toMatchObject(timedOut);
    await expect(
      leases.acquire("job-report-sync", "me", 60_000, { deadline: deadline() }),
    ).resolves.toMatchObject({
      acquired: true,
    });
  });

  it("refuses a table's first use after the deadline without an unhandled rejection, and the next call creates it", async () => {
    const leases = tableLeaseStore(table(), { clock: systemClock });
    const passed = createDeadline({ budgetMs: 0, clock: systemClock });
    await new Promise((resolve) => setTimeout(resolve, 5));
    let unhandled: unknown = null;
    const onUnhandled = (reason: unknown) => (unhandled = reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const { error } = await timed(() =>
        leases.acquire("job-report-sync", "me", 60_000, { deadline: passed }),
      );
      expect(error).toMatchObject({ code: "TIMED_OUT", edge: "Table Storage" });
      // Unhandled rejections are reported after the microtasks of the turn that made them.
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
    expect(unhandled).toBeNull();
    await expect(
      leases.acquire("job-report-sync", "me", 60_000, { deadline: deadline() }),
    ).resolves.toMatchObject({
      acquired: true,
    });
  });
});

describe("the alert ledger within a deadline", () => {
  const alert = sampleAlert();
  const okChannel = (sent: string[]): AlertChannel => ({
    name: "webhook",
    send: (a) => {
      sent.push(a.dedupeKey);
      return Promise.resolve();
    },
  });

  it("ends a state read and a transition that hang at the deadline", async () => {
    const ledger = tableAlertLedger(table(), { clock: systemClock });
    const state = await ledger.getState(alert.subject);
    azurite.tableFaults.enqueue({ kind: "hang" }, { kind: "hang" });

    expect((await timed(() => ledger.getState(alert.subject, { deadline: deadline() }))).error).toMatchObject(
      timedOut,
    );
    const next = {
      ...state,
      status: "firing" as const,
      step: "x",
      since: alert.occurredAt,
      lastAlertKey: alert.dedupeKey,
    };
    expect(
      (
        await timed(() =>
          ledger.transition(alert.subject, state, next, alert, [okChannel([])], { deadline: deadline() }),
        )
      ).error,
    ).toMatchObject(timedOut);
  });

  it("ends a delivery listing that hangs at the deadline", async () => {
    const ledger = tableAlertLedger(table(), { clock: systemClock });
    await ledger.getState(alert.subject);
    azurite.tableFaults.enqueue({ kind: "hang" });

    expect(
      (await timed(() => ledger.deliverPending([okChannel([])], { deadline: deadline() }))).error,
    ).toMatchObject(timedOut);
  });

  it("stops a channel that hangs at the deadline, and a later call sends the delivery: its claim ends with the deadline", async () => {
    const ledger = tableAlertLedger(table(), { clock: systemClock });
    const state = await ledger.getState(alert.subject);
    const sent: string[] = [];
    let hang = true;
    const channel: AlertChannel = {
      name: "webhook",
      send: (a, channelDeadline) => {
        if (!hang) return okChannel(sent).send(a);
        // A post that never ends on its own: only the deadline stops it.
        return channelDeadline!.bound("the alert webhook", () => new Promise<never>(() => undefined));
      },
    };
    const next = {
      ...state,
      status: "firing" as const,
      step: "x",
      since: alert.occurredAt,
      lastAlertKey: alert.dedupeKey,
    };
    await ledger.transition(alert.subject, state, next, alert, [channel]);

    const started = Date.now();
    const report = await ledger.deliverPending([channel], { deadline: deadline() });
    expect(Date.now() - started).toBeLessThan(BUDGET_MS + 500);
    expect(report.sent).toEqual([]);
    // The channel waits what the claim left of the budget: 0.3 s or 0.4 s, depending on the machine's load.
    expect(report.failed[0]?.error).toMatch(
      /^the alert webhook did not answer within 0\.\d s: the invocation's deadline was reached\./,
    );

    hang = false;
    const later = await ledger.deliverPending([channel], { deadline: deadline() });
    expect(later.sent).toEqual([{ dedupeKey: alert.dedupeKey, channel: "webhook" }]);
    expect(sent).toEqual([alert.dedupeKey]);
  });
});
