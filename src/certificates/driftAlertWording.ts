import type { Alert } from "../alerts/Alert.js";
import { alertFacts } from "./alertFacts.js";
import type { AlertWording } from "./AlertWording.js";
import type { DriftCode, DriftFinding } from "./DriftFinding.js";

/** The drift findings that have an alert of their own (client secrets are alerted as credentials). */
export type AlertedDriftCode = Extract<DriftCode, "NOT_REGISTERED" | "ORPHANED_KEYS" | "REGISTERED_EXPIRED">;

const TITLES: Record<AlertedDriftCode, string> = {
  NOT_REGISTERED: "The app's certificate is not registered on its app registration",
  ORPHANED_KEYS: "Unknown certificates are registered on the app registration",
  REGISTERED_EXPIRED: "The registration of the app's certificate has ended",
};

/** The alert about a drift finding: a title for its code, and the finding's own message (it says what to do). */
export function driftAlertWording(finding: DriftFinding & { code: AlertedDriftCode }): AlertWording {
  return { title: TITLES[finding.code], text: finding.message };
}

/** The resolution of a drift alert the check still speaks for: the finding is gone. */
export function driftResolvedWording(code: AlertedDriftCode): AlertWording {
  return { title: `${TITLES[code]}: resolved`, text: "The certificate check no longer finds it." };
}

/** The facts a drift alert lists. */
export function driftFacts(finding: DriftFinding): Alert["facts"] {
  return alertFacts([
    ["Finding", finding.code],
    ["SHA-1 thumbprint", finding.thumbprintSha1],
    ["Key ids", finding.keyIds.length > 0 ? finding.keyIds.join(", ") : null],
  ]);
}
