import { describe, expect, it } from "vitest";
import type { AlertState } from "../../src/alerts/AlertLedger.js";
import {
  decideConditionAlert,
  parseConditionStep,
  type AlertCondition,
} from "../../src/alerts/decideConditionAlert.js";

const SUBJECT = "certificate:vault.example/app";
const NOW = new Date("2030-03-01T06:00:00.000Z");
const ok: AlertState = { subject: SUBJECT, status: "ok", step: null, since: null, lastAlertKey: null };
const resolution = { title: "renewed", text: "It now expires later.", facts: [] };

function condition(overrides: Partial<AlertCondition> = {}): AlertCondition {
  return {
    subject: SUBJECT,
    episode: "2030-03-31T00:00:00.000Z",
    urgency: 70,
    label: "30 days",
    severity: "warning",
    title: "expires in 30 days",
    text: "Renew it.",
    facts: [{ name: "Certificate", value: "app" }],
    ...overrides,
  };
}

/** The state after applying a decision, as the ledger would store it. */
function after(state: AlertState, c: AlertCondition | null, now = NOW): AlertState {
  const decision = decideConditionAlert({ subject: SUBJECT, state, condition: c, resolution, now });
  return decision.action === "none" ? state : decision.next;
}

describe("decideConditionAlert", () => {
  it("fires once for a new condition and stays quiet while it is the same", () => {
    const first = decideConditionAlert({
      subject: SUBJECT,
      state: ok,
      condition: condition(),
      resolution,
      now: NOW,
    });
    expect(first).toMatchObject({
      action: "fire",
      alert: {
        kind: "firing",
        severity: "warning",
        dedupeKey: `${SUBJECT}|2030-03-31T00:00:00.000Z|70`,
        occurredAt: NOW.toISOString(),
      },
      next: { status: "firing", since: NOW.toISOString() },
    });
    const firing = after(ok, condition());
    expect(parseConditionStep(firing.step)).toEqual({
      urgency: 70,
      episode: "2030-03-31T00:00:00.000Z",
      label: "30 days",
    });
    expect(
      decideConditionAlert({ subject: SUBJECT, state: firing, condition: condition(), resolution, now: NOW }),
    ).toEqual({ action: "none", reason: "already alerted (30 days) since 2030-03-01T06:00:00.000Z" });
  });

  it("says the alert went out in an earlier run when the firing state has no start time", () => {
    const firing: AlertState = { ...after(ok, condition()), since: null };
    expect(
      decideConditionAlert({ subject: SUBJECT, state: firing, condition: condition(), resolution, now: NOW }),
    ).toEqual({ action: "none", reason: "already alerted (30 days) since an earlier run" });
  });

  it("escalates when the urgency rises, keeps the firing's start, and never goes back down", () => {
    const firing = after(ok, condition());
    const later = new Date(NOW.getTime() + 16 * 86_400_000);
    const escalated = decideConditionAlert({
      subject: SUBJECT,
      state: firing,
      condition: condition({ urgency: 86, label: "14 days", severity: "critical" }),
      resolution,
      now: later,
    });
    expect(escalated).toMatchObject({
      action: "fire",
      alert: {
        severity: "critical",
        dedupeKey: `${SUBJECT}|2030-03-31T00:00:00.000Z|86|since:${NOW.toISOString()}`,
      },
      next: { since: NOW.toISOString() },
    });
    const at14 = after(firing, condition({ urgency: 86, label: "14 days" }), later);
    expect(
      decideConditionAlert({ subject: SUBJECT, state: at14, condition: condition(), resolution, now: later })
        .action,
    ).toBe("none");
  });

  it("fires afresh for a new episode at the same urgency", () => {
    const firing = after(ok, condition());
    const next = decideConditionAlert({
      subject: SUBJECT,
      state: firing,
      condition: condition({ episode: "2030-04-30T00:00:00.000Z" }),
      resolution,
      now: NOW,
    });
    expect(next).toMatchObject({
      action: "fire",
      alert: { dedupeKey: `${SUBJECT}|2030-04-30T00:00:00.000Z|70|since:${NOW.toISOString()}` },
    });
  });

  it("resolves a firing subject once the condition is gone, keyed by the firing it closes", () => {
    const firing = after(ok, condition());
    const resolved = decideConditionAlert({
      subject: SUBJECT,
      state: firing,
      condition: null,
      resolution,
      now: NOW,
    });
    expect(resolved).toMatchObject({
      action: "resolve",
      alert: {
        kind: "resolved",
        severity: "info",
        title: "renewed",
        dedupeKey: `${SUBJECT}|resolved|${NOW.toISOString()}`,
      },
      next: { status: "ok", step: "0|2030-03-31T00:00:00.000Z|resolved" },
    });
    expect(
      decideConditionAlert({ subject: SUBJECT, state: ok, condition: null, resolution, now: NOW }),
    ).toEqual({ action: "none", reason: "nothing is wrong and nothing was alerted" });
  });

  it("keys the resolution of a firing with no start time as 'unknown'", () => {
    const firing: AlertState = { ...after(ok, condition()), since: null };
    expect(
      decideConditionAlert({ subject: SUBJECT, state: firing, condition: null, resolution, now: NOW }),
    ).toMatchObject({
      action: "resolve",
      alert: { dedupeKey: `${SUBJECT}|resolved|unknown` },
      next: { status: "ok", since: NOW.toISOString(), lastAlertKey: `${SUBJECT}|resolved|unknown` },
    });
  });

  it.each([
    ["at the urgency it had", 70],
    ["at the lowest urgency", 0],
  ])(
    "fires again in the episode it closed once resolved (%s), as a new firing that starts now",
    (_name, urgency) => {
      const resolvedAt = new Date(NOW.getTime() + 86_400_000);
      const firesAgainAt = new Date(NOW.getTime() + 2 * 86_400_000);
      const resolved = after(after(ok, condition()), null, resolvedAt);
      expect(resolved).toMatchObject({ status: "ok", since: resolvedAt.toISOString() });
      const again = decideConditionAlert({
        subject: SUBJECT,
        state: resolved,
        condition: condition({ urgency }),
        resolution,
        now: firesAgainAt,
      });
      expect(again).toMatchObject({
        action: "fire",
        // Not the first firing's key, which the ledger has already used and would refuse.
        alert: {
          dedupeKey: `${SUBJECT}|2030-03-31T00:00:00.000Z|${urgency}|after:${resolvedAt.toISOString()}`,
        },
        next: { status: "firing", since: firesAgainAt.toISOString() },
      });
    },
  );

  it("treats a firing state it cannot read as not yet told, so the condition is alerted", () => {
    const foreign: AlertState = { ...ok, status: "firing", step: "failures>=3", since: NOW.toISOString() };
    expect(
      decideConditionAlert({ subject: SUBJECT, state: foreign, condition: condition(), resolution, now: NOW })
        .action,
    ).toBe("fire");
  });

  it.each([
    ["a job's step", "failures>=3"],
    ["text before the urgency", "x70|2030-03-31T00:00:00.000Z|30 days"],
    ["text after the label", "70|2030-03-31T00:00:00.000Z|30 days|x"],
    ["no urgency", "|2030-03-31T00:00:00.000Z|30 days"],
    ["no label", "70|2030-03-31T00:00:00.000Z"],
    ["no step", null],
  ])("reads no condition step from %s", (_name, step) => {
    expect(parseConditionStep(step)).toBeNull();
  });

  it("refuses a condition about another subject, or with '|' in its episode", () => {
    expect(() =>
      decideConditionAlert({
        subject: SUBJECT,
        state: ok,
        condition: condition({ subject: "x" }),
        resolution,
        now: NOW,
      }),
    ).toThrow(/about 'x'/);
    expect(() =>
      decideConditionAlert({
        subject: SUBJECT,
        state: ok,
        condition: condition({ episode: "a|b" }),
        resolution,
        now: NOW,
      }),
    ).toThrow(/may not contain/);
  });
});
