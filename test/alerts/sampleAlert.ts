import type { Alert } from "../../src/alerts/Alert.js";

/** A firing job alert as the policy makes them; override what a test is about. */
export function sampleAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    subject: "job:report-sync",
    kind: "firing",
    severity: "critical",
    title: "Job 'report-sync' has failed 3 runs in a row",
    text: "The API answered HTTP 503 Service Unavailable after 4 attempts.",
    facts: [
      { name: "Job", value: "report-sync" },
      { name: "HTTP status", value: "503" },
      { name: "x-ms-request-id", value: "6f1c0d3e-8a7b-4c2d-9e1f-0a1b2c3d4e5f" },
    ],
    dedupeKey: "job:report-sync:firing:after:2030-01-01T09:00:00.000Z",
    occurredAt: "2030-01-01T10:00:00.000Z",
    ...overrides,
  };
}
