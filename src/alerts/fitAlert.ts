import { truncateText } from "../state/truncateText.js";
import type { Alert } from "./Alert.js";

/**
 * Most characters of an alert's JSON kept in a delivery row: Table Storage allows 32K characters per string
 * property; the rest of the row is small.
 */
export const MAX_ALERT_JSON_CHARS = 30_000;

/**
 * The alert cut to fit a delivery row, when it must be: the text to 4000 characters, at most 30 facts with names
 * of 100 and values of 500, the title to 300 (about 23K characters in all). An alert that fits is returned as it is (the usual case: alerts are short).
 */
export function fitAlert(alert: Alert): Alert {
  if (JSON.stringify(alert).length <= MAX_ALERT_JSON_CHARS) return alert;
  return {
    ...alert,
    title: truncateText(alert.title, 300).text,
    text: truncateText(alert.text, 4000).text,
    facts: alert.facts.slice(0, 30).map((fact) => ({
      name: truncateText(fact.name, 100).text,
      value: truncateText(fact.value, 500).text,
    })),
  };
}
