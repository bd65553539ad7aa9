import { metrics } from "@opentelemetry/api";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { createAppMetrics } from "../../src/telemetry/AppMetrics.js";
import { METRICS } from "../../src/telemetry/metricNames.js";
import { captureTelemetry, type TelemetryCapture } from "../support/telemetryCapture.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

/** The README's metric table, built from METRICS: the list operators chart and alert on. */
export function metricTable(): string {
  const rows = Object.values(METRICS).map(
    (metric) =>
      `| \`${metric.name}\` | ${metric.kind} | \`${metric.unit}\` | ${metric.description} | ${metric.attributes.map((a) => `\`${a}\``).join(", ")} |`,
  );
  return ["| Metric | Kind | Unit | Meaning | Attributes |", "| --- | --- | --- | --- | --- |", ...rows].join(
    "\n",
  );
}

let capture: TelemetryCapture | undefined;
afterEach(async () => {
  await capture?.stop();
  capture = undefined;
});

describe("the metric list", () => {
  it("is in the README as METRICS says", () => {
    const normalise = (text: string) => text.replace(/ *\| */g, "|").replace(/\|-+/g, "|-");
    expect(normalise(readme)).toContain(normalise(metricTable()));
  });

  it("is what createAppMetrics records: each name with its unit and exactly its attributes", async () => {
    capture = captureTelemetry();
    const recorder = createAppMetrics(metrics.getMeter("test"));
    recorder.certificateDaysLeft(20, { vault: "v.vault.azure.net", name: "app", state: "warning" });
    recorder.appCredentialDaysLeft(20, { appId: "app-id", keyId: "key-id" });
    recorder.jobRun({
      job: "sync",
      trigger: "timer",
      outcome: "succeeded",
      durationMs: 12,
      failureStreak: 0,
    });
    recorder.downstreamAttempt({ job: "sync", retry: true, outcome: "http-error", status: 503 });
    recorder.tokenAcquired({ source: "network", outcome: "ok" });
    recorder.keyVaultSign({ purpose: "client-assertion", outcome: "ok" });
    recorder.alertDelivery({ channel: "teams", outcome: "sent" });
    recorder.rotationStep({ step: "add-key", outcome: "done" });
    const points = await capture.points();
    for (const metric of Object.values(METRICS)) {
      const point = points.find((candidate) => candidate.name === metric.name);
      expect(point, metric.name).toBeDefined();
      expect(point?.unit, metric.name).toBe(metric.unit);
      expect(Object.keys(point?.attributes ?? {}).sort(), metric.name).toEqual([...metric.attributes].sort());
    }
    expect(points.map((point) => point.name).sort()).toEqual(
      Object.values(METRICS)
        .map((m) => m.name)
        .sort(),
    );
  });

  it("leaves out the status of an attempt that got no response", async () => {
    capture = captureTelemetry();
    createAppMetrics(metrics.getMeter("test")).downstreamAttempt({
      job: "sync",
      retry: false,
      outcome: "network-error",
      status: null,
    });
    const [point] = await capture.points();
    expect(point?.attributes).toEqual({
      "m2m.job": "sync",
      "m2m.attempt.retry": false,
      "m2m.outcome": "network-error",
    });
  });
});
