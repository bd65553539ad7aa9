import type { Attributes, Meter } from "@opentelemetry/api";
import { ATTR } from "./attributeNames.js";
import { METRICS, type MetricKey } from "./metricNames.js";

/**
 * What the app measures, one method per event. Services receive it (the composition root builds it from the
 * registered MeterProvider; without one every method costs a no-op call). Attributes are bounded sets: job,
 * vault and certificate names, channels, steps and outcomes — never a run id or a thumbprint.
 */
export interface AppMetrics {
  /** After each certificate check: whole days left for one watched certificate. */
  certificateDaysLeft(daysLeft: number, at: { vault: string; name: string; state: string }): void;
  /** After each certificate check: whole days left for one certificate credential of the app registration. */
  appCredentialDaysLeft(daysLeft: number, at: { appId: string; keyId: string }): void;
  /** One finished job run: counted, timed, and its failure streak (0 after a success). */
  jobRun(run: {
    job: string;
    trigger: string;
    outcome: string;
    durationMs: number;
    failureStreak: number;
  }): void;
  /** One request sent to a job's API. `status` is null when no response came. */
  downstreamAttempt(attempt: { job: string; retry: boolean; outcome: string; status: number | null }): void;
  /** One access token handed to the app (or a failed acquisition, source "none"). */
  tokenAcquired(token: { source: "cache" | "network" | "none"; outcome: "ok" | "failed" }): void;
  /** One signature asked of Key Vault (vault signing). */
  keyVaultSign(call: { purpose: "client-assertion" | "key-proof"; outcome: "ok" | "failed" }): void;
  /** One alert handed to a channel. */
  alertDelivery(delivery: { channel: string; outcome: "sent" | "failed" }): void;
  /** One key rotation step taken. */
  rotationStep(step: { step: string; outcome: "done" | "failed" }): void;
}

/** Builds the instruments once from a meter (the app's MeterProvider, or the no-op one when telemetry is off). */
export function createAppMetrics(meter: Meter): AppMetrics {
  const options = (key: MetricKey) => ({ unit: METRICS[key].unit, description: METRICS[key].description });
  const certificateDaysLeft = meter.createGauge(
    METRICS.certificateDaysLeft.name,
    options("certificateDaysLeft"),
  );
  const appCredentialDaysLeft = meter.createGauge(
    METRICS.appCredentialDaysLeft.name,
    options("appCredentialDaysLeft"),
  );
  const jobRuns = meter.createCounter(METRICS.jobRuns.name, options("jobRuns"));
  const jobDuration = meter.createHistogram(METRICS.jobDuration.name, {
    ...options("jobDuration"),
    // Seconds: from a cache-hit run (milliseconds) to a run that uses its whole deadline (minutes).
    advice: {
      explicitBucketBoundaries: [
        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600,
      ],
    },
  });
  const jobFailureStreak = meter.createGauge(METRICS.jobFailureStreak.name, options("jobFailureStreak"));
  const downstreamAttempts = meter.createCounter(
    METRICS.downstreamAttempts.name,
    options("downstreamAttempts"),
  );
  const tokenAcquisitions = meter.createCounter(METRICS.tokenAcquisitions.name, options("tokenAcquisitions"));
  const keyVaultSignCalls = meter.createCounter(METRICS.keyVaultSignCalls.name, options("keyVaultSignCalls"));
  const alertDeliveries = meter.createCounter(METRICS.alertDeliveries.name, options("alertDeliveries"));
  const rotationSteps = meter.createCounter(METRICS.rotationSteps.name, options("rotationSteps"));

  return {
    certificateDaysLeft(daysLeft, at) {
      certificateDaysLeft.record(daysLeft, {
        [ATTR.vault]: at.vault,
        [ATTR.certificateName]: at.name,
        [ATTR.certificateState]: at.state,
      });
    },
    appCredentialDaysLeft(daysLeft, at) {
      appCredentialDaysLeft.record(daysLeft, { [ATTR.appId]: at.appId, [ATTR.credentialKeyId]: at.keyId });
    },
    jobRun(run) {
      const attributes: Attributes = {
        [ATTR.job]: run.job,
        [ATTR.trigger]: run.trigger,
        [ATTR.outcome]: run.outcome,
      };
      jobRuns.add(1, attributes);
      jobDuration.record(run.durationMs / 1000, { [ATTR.job]: run.job, [ATTR.outcome]: run.outcome });
      jobFailureStreak.record(run.failureStreak, { [ATTR.job]: run.job });
    },
    downstreamAttempt(attempt) {
      downstreamAttempts.add(1, {
        [ATTR.job]: attempt.job,
        [ATTR.retry]: attempt.retry,
        [ATTR.outcome]: attempt.outcome,
        ...(attempt.status === null ? {} : { [ATTR.httpStatus]: attempt.status }),
      });
    },
    tokenAcquired(token) {
      tokenAcquisitions.add(1, { [ATTR.tokenSource]: token.source, [ATTR.outcome]: token.outcome });
    },
    keyVaultSign(call) {
      keyVaultSignCalls.add(1, { [ATTR.purpose]: call.purpose, [ATTR.outcome]: call.outcome });
    },
    alertDelivery(delivery) {
      alertDeliveries.add(1, { [ATTR.channel]: delivery.channel, [ATTR.outcome]: delivery.outcome });
    },
    rotationStep(step) {
      rotationSteps.add(1, { [ATTR.rotationStep]: step.step, [ATTR.outcome]: step.outcome });
    },
  };
}
