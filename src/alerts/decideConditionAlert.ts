import type { Alert } from "./Alert.js";
import type { AlertState } from "./AlertLedger.js";

/** Something a check finds wrong now, one per subject (a certificate near expiry, a rotation waiting for a person). */
export interface AlertCondition {
  subject: string;
  /**
   * What is being alerted on: a new episode (a new certificate version still near expiry, a new rotation) alerts
   * afresh even at the same urgency. No `|`.
   */
  episode: string;
  /** Higher is more urgent: within an episode, an alert goes out each time the urgency rises, never when it falls. */
  urgency: number;
  /** The step people were told about, for state and dashboards: "14 days", "expired", "manual renewal". No `|`. */
  label: string;
  severity: Alert["severity"];
  title: string;
  text: string;
  facts: Alert["facts"];
}

/** What people are told when a subject that was firing is fine again (renewed, rotated, gone). */
export interface AlertResolution {
  title: string;
  text: string;
  facts: Alert["facts"];
}

export type ConditionAlertDecision =
  { action: "none"; reason: string } | { action: "fire" | "resolve"; alert: Alert; next: AlertState };

/** The firing state's step: `<urgency>|<episode>|<label>`. */
export function conditionStep(condition: Pick<AlertCondition, "urgency" | "episode" | "label">): string {
  return `${condition.urgency}|${condition.episode}|${condition.label}`;
}

/** The parts of a step written by {@link conditionStep}; null for any other step (a damaged or foreign row). */
export function parseConditionStep(
  step: string | null,
): { urgency: number; episode: string; label: string } | null {
  const match = step ? /^(-?\d+)\|([^|]*)\|([^|]*)$/.exec(step) : null;
  return match ? { urgency: Number(match[1]), episode: match[2]!, label: match[3]! } : null;
}

/**
 * Pure: does what a check sees now change what people were told about `subject`?
 * - a condition on a subject that is ok fires;
 * - on a firing subject it fires again when the episode changed or the urgency rose (escalation: 30 → 14 → 7
 *   days → expired), and says nothing when it is the same or less urgent;
 * - no condition on a firing subject resolves it with `resolution`; on an ok subject nothing happens.
 *
 * Dedupe keys name the episode and urgency and the state the decision starts from — `<subject>|<episode>|<urgency>`
 * for a subject never alerted, then `…|since:<the firing's start>` while firing and `…|after:<the resolution>` once
 * resolved — and, for a resolution, the firing it closes (`<subject>|resolved|<since>`): the same decision made by
 * two instances, or again after a crash, is one alert in the ledger, and a subject that comes back after it was
 * resolved is alerted again.
 */
export function decideConditionAlert(input: {
  subject: string;
  state: AlertState;
  condition: AlertCondition | null;
  resolution: AlertResolution;
  now: Date;
}): ConditionAlertDecision {
  const { subject, state, condition } = input;
  const now = input.now.toISOString();
  if (condition && condition.subject !== subject) {
    throw new Error(`decideConditionAlert: the condition is about '${condition.subject}', not '${subject}'`);
  }
  if (condition && (condition.episode.includes("|") || condition.label.includes("|"))) {
    throw new Error(`decideConditionAlert: the episode and label of '${subject}' may not contain '|'`);
  }

  if (condition) {
    const told = state.status === "firing" ? parseConditionStep(state.step) : null;
    if (told && told.episode === condition.episode && told.urgency >= condition.urgency) {
      return {
        action: "none",
        reason: `already alerted (${told.label}) since ${state.since ?? "an earlier run"}`,
      };
    }
    // A subject can fire, resolve and fire again in the same episode: the key also names the state it fires from
    // (the firing's start, or the resolution before it), so the new firing is a new alert, while two instances
    // deciding from the same state still agree on one key.
    const from =
      state.since === null ? "" : `|${state.status === "firing" ? "since" : "after"}:${state.since}`;
    const dedupeKey = `${subject}|${condition.episode}|${condition.urgency}${from}`;
    return {
      action: "fire",
      alert: {
        subject,
        kind: "firing",
        severity: condition.severity,
        title: condition.title,
        text: condition.text,
        facts: condition.facts,
        dedupeKey,
        occurredAt: now,
      },
      next: {
        subject,
        status: "firing",
        step: conditionStep(condition),
        // An escalation keeps the time the subject started firing.
        since: state.status === "firing" && state.since ? state.since : now,
        lastAlertKey: dedupeKey,
      },
    };
  }

  if (state.status === "ok") return { action: "none", reason: "nothing is wrong and nothing was alerted" };
  const told = parseConditionStep(state.step);
  const dedupeKey = `${subject}|resolved|${state.since ?? "unknown"}`;
  return {
    action: "resolve",
    alert: {
      subject,
      kind: "resolved",
      severity: "info",
      title: input.resolution.title,
      text: input.resolution.text,
      facts: input.resolution.facts,
      dedupeKey,
      occurredAt: now,
    },
    // The resolved state keeps the episode it closed, so a check can tell that episode was already told and closed.
    next: {
      subject,
      status: "ok",
      step: told ? conditionStep({ urgency: 0, episode: told.episode, label: "resolved" }) : null,
      since: now,
      lastAlertKey: dedupeKey,
    },
  };
}
