import { ATTR } from "./attributeNames.js";

/**
 * The app's metrics: names, kinds, units, what they count and the attributes they carry. The README's metric table
 * and the alert rules in infra/app/alerts.bicep are checked against this list (test/telemetry/metricNames.test.ts,
 * test/infra). Units follow UCUM as OpenTelemetry's semantic conventions do: `d` days, `s` seconds, `{run}` a count.
 */
export const METRICS = {
  certificateDaysLeft: {
    name: "m2m.certificate.days_left",
    kind: "gauge",
    unit: "d",
    description: "Days until a watched Key Vault certificate expires, a part day counted as a day",
    attributes: [ATTR.vault, ATTR.certificateName, ATTR.certificateState],
  },
  appCredentialDaysLeft: {
    name: "m2m.app_credential.days_left",
    kind: "gauge",
    unit: "d",
    description: "Days until a certificate credential on the app registration expires",
    attributes: [ATTR.appId, ATTR.credentialKeyId],
  },
  jobRuns: {
    name: "m2m.job.runs",
    kind: "counter",
    unit: "{run}",
    description: "Job runs, by job, trigger and outcome",
    attributes: [ATTR.job, ATTR.trigger, ATTR.outcome],
  },
  jobDuration: {
    name: "m2m.job.duration",
    kind: "histogram",
    unit: "s",
    description: "Time from a job run's start to its outcome",
    attributes: [ATTR.job, ATTR.outcome],
  },
  jobFailureStreak: {
    name: "m2m.job.failure_streak",
    kind: "gauge",
    unit: "{run}",
    description: "Runs in a row that failed, after each run of a job (0 after a success)",
    attributes: [ATTR.job],
  },
  downstreamAttempts: {
    name: "m2m.downstream.attempts",
    kind: "counter",
    unit: "{attempt}",
    description: "Requests sent to a job's API; a retry has m2m.attempt.retry = true",
    attributes: [ATTR.job, ATTR.retry, ATTR.outcome, ATTR.httpStatus],
  },
  tokenAcquisitions: {
    name: "m2m.token.acquisitions",
    kind: "counter",
    unit: "{token}",
    description:
      "Access tokens handed to the app, by source (cache, network; none when it failed) and outcome",
    attributes: [ATTR.tokenSource, ATTR.outcome],
  },
  keyVaultSignCalls: {
    name: "m2m.keyvault.sign_calls",
    kind: "counter",
    unit: "{call}",
    description: "Signatures asked of Key Vault (vault signing), by purpose and outcome",
    attributes: [ATTR.purpose, ATTR.outcome],
  },
  alertDeliveries: {
    name: "m2m.alert.deliveries",
    kind: "counter",
    unit: "{alert}",
    description: "Alerts handed to a channel, by channel and outcome (sent or failed)",
    attributes: [ATTR.channel, ATTR.outcome],
  },
  rotationSteps: {
    name: "m2m.rotation.steps",
    kind: "counter",
    unit: "{step}",
    description: "Key rotation steps taken, by step and outcome (done or failed)",
    attributes: [ATTR.rotationStep, ATTR.outcome],
  },
} as const;

export type MetricKey = keyof typeof METRICS;
