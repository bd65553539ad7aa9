import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type Azurite } from "../../dev/azurite/startAzurite.js";
import type { Alert, AlertChannel } from "../../src/alerts/Alert.js";
import type { AlertState } from "../../src/alerts/AlertLedger.js";
import { tableAlertLedger } from "../../src/alerts/tableAlertLedger.js";
import { tableClientFor } from "../../src/state/tableClientFor.js";
import { freshTableName } from "../state/freshTableName.js";

let azurite: Azurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(() => azurite?.stop());

const ledger = () =>
  tableAlertLedger(
    tableClientFor(
      { kind: "connection-string", connectionString: azurite.connectionString },
      freshTableName(),
    ),
    {
      clock: () => new Date(),
    },
  );

const alert: Alert = {
  subject: "job:sync",
  kind: "firing",
  severity: "critical",
  title: "t",
  text: "x",
  facts: [],
  dedupeKey: "job:sync:failing-since:never:firing",
  occurredAt: "2026-11-21T10:00:00.000Z",
};
const firing: AlertState = {
  subject: "job:sync",
  status: "firing",
  step: "failures>=3",
  since: "2026-11-21T10:00:00.000Z",
  episode: "job:sync:failing-since:never",
};

function recordingChannel(name: string, failTimes = 0) {
  const sent: Alert[] = [];
  let failures = failTimes;
  const channel: AlertChannel = {
    name,
    send: async (a) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (failures > 0) {
        failures -= 1;
        throw new Error(`${name} is down`);
      }
      sent.push(a);
    },
  };
  return { channel, sent };
}

describe("tableAlertLedger", () => {
  it("lets exactly one of several racing instances raise the alert, and sends it once per channel", async () => {
    const l = ledger();
    const teams = recordingChannel("teams");
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () => l.transition(null, firing, alert, [teams.channel])),
    );
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    await Promise.all([
      l.deliverPending([teams.channel]),
      l.deliverPending([teams.channel]),
      l.deliverPending([teams.channel]),
    ]);
    expect(teams.sent).toHaveLength(1);
    expect(await l.getState("job:sync")).toEqual(firing);
  });

  it("keeps a failed delivery pending and sends it on the next run, without resending the others", async () => {
    const l = ledger();
    const teams = recordingChannel("teams", 1);
    const slack = recordingChannel("slack");
    await l.transition(null, firing, alert, [teams.channel, slack.channel]);
    const first = await l.deliverPending([teams.channel, slack.channel]);
    expect(first).toEqual({
      sent: 1,
      failed: [{ dedupeKey: alert.dedupeKey, channel: "teams", error: "teams is down" }],
    });
    const second = await l.deliverPending([teams.channel, slack.channel]);
    expect(second).toEqual({ sent: 1, failed: [] });
    expect([teams.sent.length, slack.sent.length]).toEqual([1, 1]);
    expect(await l.deliverPending([teams.channel, slack.channel])).toEqual({ sent: 0, failed: [] });
  });

  it("refuses a transition from a state that is no longer current", async () => {
    const l = ledger();
    const teams = recordingChannel("teams");
    expect(await l.transition(null, firing, alert, [teams.channel])).toBe(true);
    expect(await l.transition(null, firing, alert, [teams.channel])).toBe(false);
    const resolved = { ...alert, kind: "resolved" as const, dedupeKey: `${firing.episode}:resolved` };
    const ok: AlertState = { subject: "job:sync", status: "ok", step: null, since: null, episode: null };
    expect(await l.transition(firing, ok, resolved, [teams.channel])).toBe(true);
    await l.deliverPending([teams.channel]);
    expect(teams.sent.map((a) => a.kind)).toEqual(["firing", "resolved"]);
  });
});
