/**
 * The app's metrics: names, units and what they count. The README's "Metrics" table and the alert rules in
 * infra/app/alerts.bicep are checked against this list (test/telemetry/metricNames.test.ts, test/infra).
 * Units follow UCUM as OpenTelemetry's semantic conventions do: `d` days, `s` seconds, `{run}` a count of runs.
 */
export const METRICS = {
  certificateDaysLeft: {
    name: "m2m.certificate.days_left",
    unit: "d",
    description: "Whole days until a watched Key Vault certificate expires (negative once expired)",
  },
  appCredentialDaysLeft: {
    name: "m2m.app_credential.days_left",
    unit: "d",
    description: "Whole days until a certificate credential on the app registration expires",
  },
  jobRuns: { name: "m2m.job.runs", unit: "{run}", description: "Job runs, by job, trigger and outcome" },
  jobDuration: {
    name: "m2m.job.duration",
    unit: "s",
    description: "Time from a job run's start to its outcome",
  },
  jobFailureStreak: {
    name: "m2m.job.failure_streak",
    unit: "{run}",
    description: "Runs in a row that failed, after each run of a job (0 after a success)",
  },
  downstreamAttempts: {
    name: "m2m.downstream.attempts",
    unit: "{attempt}",
    description: "Requests sent to a job's API; retries carry m2m.attempt.retry = true",
  },
  tokenAcquisitions: {
    name: "m2m.token.acquisitions",
    unit: "{token}",
    description: "Access tokens handed to the app, by source (cache or network) and outcome",
  },
  keyVaultSignCalls: {
    name: "m2m.keyvault.sign_calls",
    unit: "{call}",
    description: "Signatures asked of Key Vault (vault signing), by purpose and outcome",
  },
  alertDeliveries: {
    name: "m2m.alert.deliveries",
    unit: "{alert}",
    description: "Alerts handed to a channel, by channel and outcome (sent or failed)",
  },
  rotationSteps: {
    name: "m2m.rotation.steps",
    unit: "{step}",
    description: "Key rotation steps taken, by step and outcome (done or failed)",
  },
} as const;

export type MetricKey = keyof typeof METRICS;
