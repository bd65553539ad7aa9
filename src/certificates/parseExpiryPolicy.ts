import type { SettingDoc } from "../config/settings.js";
import type { ExpiryPolicy } from "./ExpiryPolicy.js";

/** The app settings of the expiry policy, documented as the others in `config/settings.ts`. */
export const expiryPolicySettings = {
  warningDays: {
    name: "M2M_CERT_WARNING_DAYS",
    form: "whole days from 1 to 3650 before expiry when a certificate turns 'warning' (default 30)",
    required: "no",
    secret: false,
  },
  criticalDays: {
    name: "M2M_CERT_CRITICAL_DAYS",
    form: "whole days from 1 to 3650 before expiry when a certificate turns 'critical', at most M2M_CERT_WARNING_DAYS (default 7)",
    required: "no",
    secret: false,
  },
  reminderDays: {
    name: "M2M_CERT_REMINDER_DAYS",
    form: "comma-separated whole days from 1 to 3650 before expiry, each once, when an expiring certificate is reminded of again (default 30,14,7,3,1)",
    required: "no",
    secret: false,
  },
} as const satisfies Record<string, SettingDoc>;

export const defaultExpiryPolicy: ExpiryPolicy = Object.freeze({
  warningDays: 30,
  criticalDays: 7,
  reminderDays: Object.freeze([30, 14, 7, 3, 1]),
});

const MAX_DAYS = 3650;
const WHOLE_DAYS = /^\d{1,4}$/;

/**
 * Reads the expiry policy from the app settings. Never throws: every invalid setting becomes a problem string in
 * the form `loadConfig` uses (`NAME: expected <form>; got "<value>"`), so the caller can report them with the
 * other settings in one ConfigurationError. An empty or absent setting takes its default; an invalid one leaves
 * its default in `policy`, which is meaningful only when `problems` is empty. Reminder steps may come in any
 * order; the policy holds them descending.
 */
export function parseExpiryPolicy(env: Readonly<Record<string, string | undefined>>): {
  policy: ExpiryPolicy;
  problems: string[];
} {
  const problems: string[] = [];
  const read = (doc: SettingDoc): string | undefined => env[doc.name]?.trim() || undefined;
  const invalid = (doc: SettingDoc, value: string, why = "") =>
    problems.push(`${doc.name}: expected ${doc.form}${why ? ` (${why})` : ""}; got ${JSON.stringify(value)}`);
  /**
   * The setting's whole days, its fallback when absent, or null (a problem recorded) when invalid or above
   * `most.days`, the value of the setting `most.name`.
   */
  const days = (doc: SettingDoc, fallback: number, most?: { name: string; days: number }): number | null => {
    const value = read(doc);
    if (value === undefined) return fallback;
    const parsed = toDays(value);
    if (parsed === null) {
      invalid(doc, value);
    } else if (most !== undefined && parsed > most.days) {
      invalid(doc, value, `more than ${most.name}, ${most.days}`);
      return null;
    }
    return parsed;
  };

  const warning = days(expiryPolicySettings.warningDays, defaultExpiryPolicy.warningDays);
  const warningDays = warning ?? defaultExpiryPolicy.warningDays;
  // Without its own setting the critical threshold follows a lower warning threshold down. It is checked against
  // the warning threshold only when that one is valid: an invalid setting is reported once, on its own.
  const criticalFallback = Math.min(defaultExpiryPolicy.criticalDays, warningDays);
  const criticalDays =
    days(
      expiryPolicySettings.criticalDays,
      criticalFallback,
      warning === null ? undefined : { name: expiryPolicySettings.warningDays.name, days: warning },
    ) ?? criticalFallback;

  let reminderDays = defaultExpiryPolicy.reminderDays;
  const reminderValue = read(expiryPolicySettings.reminderDays);
  if (reminderValue !== undefined) {
    const steps: number[] = [];
    const bad: string[] = [];
    for (const item of reminderValue.split(",").map((text) => text.trim())) {
      const step = toDays(item);
      if (step === null) bad.push(item);
      else steps.push(step);
    }
    const repeated = steps.find((d, i) => steps.indexOf(d) !== i);
    if (bad.length > 0) {
      invalid(
        expiryPolicySettings.reminderDays,
        reminderValue,
        `not whole days: ${bad.map((b) => JSON.stringify(b)).join(", ")}`,
      );
    } else if (repeated !== undefined) {
      invalid(expiryPolicySettings.reminderDays, reminderValue, `${repeated} appears more than once`);
    } else {
      reminderDays = Object.freeze(steps.sort((a, b) => b - a));
    }
  }

  return { policy: Object.freeze({ warningDays, criticalDays, reminderDays }), problems };
}

function toDays(text: string): number | null {
  if (!WHOLE_DAYS.test(text)) return null;
  const value = Number(text);
  return value >= 1 && value <= MAX_DAYS ? value : null;
}
