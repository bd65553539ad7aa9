import { truncateText } from "../state/truncateText.js";
import type { Alert } from "./Alert.js";

/**
 * Most characters of an alert's JSON kept in a delivery row: Table Storage allows 32K characters per string
 * property; the rest of the row is small.
 */
export const MAX_ALERT_JSON_CHARS = 30_000;

/** The first cut: text 4000 characters, at most 30 facts with names of 100 and values of 500, title 300. */
const FIRST_CUT = { title: 300, text: 4000, facts: 30, factName: 100, factValue: 500 };

/**
 * The alert cut to fit a delivery row, when it must be: first to the limits of {@link FIRST_CUT} (about 23K
 * characters in all). JSON writes a quote as two characters and a control character as six, so an alert made of
 * them can still be too long after that: then every limit is halved until it fits. An alert that fits is returned
 * as it is (the usual case: alerts are short).
 */
export function fitAlert(alert: Alert): Alert {
  let fitted = alert;
  let limits = FIRST_CUT;
  // Ends: at limits of a few characters every part is a few JSON characters, whatever it holds.
  while (JSON.stringify(fitted).length > MAX_ALERT_JSON_CHARS) {
    fitted = cutAlert(alert, limits);
    limits = {
      title: Math.floor(limits.title / 2),
      text: Math.floor(limits.text / 2),
      facts: Math.floor(limits.facts / 2),
      factName: Math.floor(limits.factName / 2),
      factValue: Math.floor(limits.factValue / 2),
    };
  }
  return fitted;
}

function cutAlert(alert: Alert, limits: typeof FIRST_CUT): Alert {
  return {
    ...alert,
    title: truncateText(alert.title, limits.title).text,
    text: truncateText(alert.text, limits.text).text,
    facts: alert.facts.slice(0, limits.facts).map((fact) => ({
      name: truncateText(fact.name, limits.factName).text,
      value: truncateText(fact.value, limits.factValue).text,
    })),
  };
}
