import type { Alert } from "./Alert.js";

/**
 * The alert's title with its weight in front, as every channel shows it: "CRITICAL: Job 'x' is failing" while
 * firing, "RESOLVED: Job 'x' recovered" once fine again.
 */
export function alertHeadline(alert: Alert): string {
  const label = alert.kind === "resolved" ? "RESOLVED" : alert.severity.toUpperCase();
  return `${label}: ${alert.title}`;
}
