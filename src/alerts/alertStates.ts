import type { Deadline } from "../clock/Deadline.js";
import type { AlertLedger, StoredAlertState } from "./AlertLedger.js";

/** The alert states one pass (a certificate check) works from: read once, kept up to date by its own transitions. */
export interface AlertStates {
  /** The states, read on first use (one ledger query, whatever their number); the pass sets what it changes. */
  read(deadline: Deadline): Promise<Map<string, StoredAlertState>>;
}

/** AlertStates over `ledger` for the subjects under `prefixes`. A failed read is not kept: the next use asks again. */
export function alertStates(ledger: Pick<AlertLedger, "states">, prefixes: readonly string[]): AlertStates {
  let reading: Promise<Map<string, StoredAlertState>> | null = null;
  return {
    read(deadline) {
      reading ??= ledger.states(prefixes, { deadline }).catch((error: unknown) => {
        reading = null;
        throw error;
      });
      return reading;
    },
  };
}

/** The state of a subject the ledger holds nothing for: not alerted. */
export function unalerted(subject: string): StoredAlertState {
  return { subject, status: "ok", step: null, since: null, lastAlertKey: null, version: null };
}
