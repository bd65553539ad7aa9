import { metrics } from "@opentelemetry/api";
import { afterEach, describe, expect, it } from "vitest";
import { createAppMetrics } from "../../src/telemetry/AppMetrics.js";
import { inSpan, markFailedAs, traceparentOf } from "../../src/telemetry/tracer.js";
import { captureTelemetry, type TelemetryCapture } from "../support/telemetryCapture.js";

let capture: TelemetryCapture | undefined;
afterEach(async () => {
  await capture?.stop();
  capture = undefined;
});

describe("createAppMetrics", () => {
  it("records a job run as a count, a duration in seconds and the failure streak, by job", async () => {
    capture = captureTelemetry();
    const appMetrics = createAppMetrics(metrics.getMeter("test"));
    appMetrics.jobRun({
      job: "sync",
      trigger: "timer",
      outcome: "failed",
      durationMs: 1500,
      failureStreak: 2,
    });
    const points = await capture.points();
    expect(points).toContainEqual({
      name: "m2m.job.runs",
      unit: "{run}",
      attributes: { "m2m.job": "sync", "m2m.run.trigger": "timer", "m2m.outcome": "failed" },
      value: 1,
    });
    expect(points).toContainEqual({
      name: "m2m.job.failure_streak",
      unit: "{run}",
      attributes: { "m2m.job": "sync" },
      value: 2,
    });
    expect(points.find((point) => point.name === "m2m.job.duration")).toMatchObject({ unit: "s", value: 1 });
  });

  it("keeps the last days-left value per certificate", async () => {
    capture = captureTelemetry();
    const appMetrics = createAppMetrics(metrics.getMeter("test"));
    const at = { vault: "https://v.vault.azure.net", name: "app-cert", state: "valid" };
    appMetrics.certificateDaysLeft(21, at);
    appMetrics.certificateDaysLeft(20, at);
    const points = (await capture.points()).filter((point) => point.name === "m2m.certificate.days_left");
    expect(points).toEqual([
      {
        name: "m2m.certificate.days_left",
        unit: "d",
        attributes: {
          "m2m.vault": "https://v.vault.azure.net",
          "m2m.certificate.name": "app-cert",
          "m2m.certificate.state": "valid",
        },
        value: 20,
      },
    ]);
  });
});

describe("inSpan", () => {
  it("ends the span, marks a thrown error with its code and rethrows it", async () => {
    capture = captureTelemetry();
    const failure = Object.assign(new Error("no"), { code: "HTTP_STATUS" });
    await expect(inSpan("work", {}, () => Promise.reject(failure))).rejects.toBe(failure);
    const [span] = capture.spans();
    expect(span?.name).toBe("work");
    expect(span?.status).toEqual({ code: 2, message: "no" });
    expect(span?.attributes).toEqual({ "error.type": "HTTP_STATUS", "m2m.error.code": "HTTP_STATUS" });
  });

  it("keeps a specific failure type marked earlier when an error is thrown out of the span", async () => {
    capture = captureTelemetry();
    const failure = Object.assign(new Error("refused"), { code: "TOKEN_ENDPOINT_UNAVAILABLE" });
    await expect(
      inSpan("POST", {}, (span) => {
        markFailedAs(span, "503");
        return Promise.reject(failure);
      }),
    ).rejects.toBe(failure);
    const [span] = capture.spans();
    expect(span?.status).toEqual({ code: 2 });
    expect(span?.attributes).toEqual({ "error.type": "503" });
  });

  it("gives the traceparent of the active span, and none with telemetry off", async () => {
    expect(await inSpan("off", {}, (span) => Promise.resolve(traceparentOf(span)))).toBeNull();
    capture = captureTelemetry();
    const header = await inSpan("on", {}, (span) => Promise.resolve(traceparentOf(span)));
    const [span] = capture.spans();
    expect(header).toBe(`00-${span?.spanContext().traceId}-${span?.spanContext().spanId}-01`);
  });
});
