import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalWorld, type LocalWorld } from "../../dev/demo/startDemo.js";
import { startLocalHost, type LocalHost } from "../../dev/host/startLocalHost.js";
import { devTelemetryEnv } from "../../dev/otlp/devTelemetryEnv.js";
import type { ReceivedSpan, ReceivedTelemetry } from "../../dev/otlp/ReceivedTelemetry.js";
import { startOtlpReceiver, type OtlpReceiver } from "../../dev/otlp/startOtlpReceiver.js";
import { METRICS } from "../../src/telemetry/metricNames.js";

// The app through the local Functions host, exporting with its real OpenTelemetry SDK and OTLP/HTTP exporters to a
// receiver on loopback: what an operator would see in Application Insights or any OTLP backend.
const entry = fileURLToPath(new URL("../../src/index.ts", import.meta.url));
// The demo's world: a non-exportable certificate inside its renewal window (Key Vault signs; the check renews,
// rotates and alerts), jobs against the demo API.
const scenario = fileURLToPath(new URL("../../dev/scenarios/demo.json", import.meta.url));

let world: LocalWorld;
let receiver: OtlpReceiver;
let host: LocalHost;
beforeAll(async () => {
  [world, receiver] = await Promise.all([startLocalWorld(scenario), startOtlpReceiver()]);
  host = await startLocalHost({
    entry,
    logger: { log: () => undefined },
    env: { ...world.env, ...devTelemetryEnv(receiver.url), OTEL_SERVICE_NAME: "m2m-telemetry-test" },
  });
}, 60_000);
afterAll(async () => {
  await host?.stop();
  await Promise.all([receiver?.stop(), world?.stop()]);
});

const childrenOf = (spans: readonly ReceivedSpan[], parent: ReceivedSpan) =>
  spans.filter((span) => span.parentSpanId === parent.spanId);
const descendantsOf = (spans: readonly ReceivedSpan[], parent: ReceivedSpan): ReceivedSpan[] =>
  childrenOf(spans, parent).flatMap((child) => [child, ...descendantsOf(spans, child)]);
const jobSpan = (telemetry: ReceivedTelemetry, job: string) =>
  telemetry.spans.find((span) => span.name === `job ${job}`);

describe("telemetry of a job run", () => {
  let telemetry: ReceivedTelemetry;
  let run: ReceivedSpan;
  beforeAll(async () => {
    await host.invokeTimer("job-report-pull");
    telemetry = await receiver.waitFor(
      (received) => {
        const span = jobSpan(received, "report-pull");
        return (
          span !== undefined &&
          descendantsOf(received.spans, span).some((child) => child.name === "GET") &&
          received.metricPoints.some((point) => point.name === "m2m.job.runs") &&
          received.logRecords.some((record) => record.body === "Job run succeeded")
        );
      },
      { timeoutMs: 15_000 },
    );
    run = jobSpan(telemetry, "report-pull")!;
  }, 30_000);

  it("is one trace: the run span under the host's invocation, with token, Table and downstream spans below it", () => {
    expect(run).toMatchObject({
      kind: "internal",
      remoteParent: true, // its parent is the host's invocation span (the traceparent the host sent)
      attributes: { "m2m.job": "report-pull", "m2m.run.trigger": "timer", "m2m.outcome": "succeeded" },
      resource: { "service.name": "m2m-telemetry-test" },
    });
    const below = descendantsOf(telemetry.spans, run);
    expect(below.every((span) => span.traceId === run.traceId)).toBe(true);
    const names = below.map((span) => span.name);
    expect(names).toContain("token acquire");
    expect(names).toContain("GET"); // the downstream attempt
    // The Azure SDK's own spans for Table Storage (lease, run record, summary), one per client operation: the HTTP
    // request inside an operation has no span of its own; a paged query's request (the alert ledger's) does.
    const table = below.filter((span) => span.name.startsWith("TableClient."));
    expect(table.length).toBeGreaterThan(0);
    expect(table.flatMap((span) => childrenOf(telemetry.spans, span))).toEqual([]);
    expect(childrenOf(telemetry.spans, run).filter((span) => span.name === "HTTP GET")).toHaveLength(1);
  });

  it("sends the attempt span's traceparent downstream, so the API's telemetry joins the trace", () => {
    const attempt = descendantsOf(telemetry.spans, run).find((span) => span.name === "GET")!;
    expect(attempt).toMatchObject({
      kind: "client",
      attributes: { "http.request.method": "GET", "http.response.status_code": 200, "m2m.attempt": 1 },
    });
    const received = world.downstream.requests.at(-1)?.traceparent;
    expect(received).toBe(`00-${attempt.traceId}-${attempt.spanId}-01`);
  });

  it("records the run as metrics with their attributes", () => {
    const points = telemetry.metricPoints;
    expect(points).toContainEqual(
      expect.objectContaining({
        name: "m2m.job.runs",
        type: "sum",
        attributes: { "m2m.job": "report-pull", "m2m.run.trigger": "timer", "m2m.outcome": "succeeded" },
      }),
    );
    expect(points).toContainEqual(
      expect.objectContaining({ name: "m2m.job.duration", unit: "s", type: "histogram", value: 1 }),
    );
    expect(points).toContainEqual(
      expect.objectContaining({
        name: "m2m.job.failure_streak",
        attributes: { "m2m.job": "report-pull" },
        value: 0,
      }),
    );
    expect(points).toContainEqual(
      expect.objectContaining({
        name: "m2m.token.acquisitions",
        attributes: { "m2m.token.source": "network", "m2m.outcome": "ok" },
      }),
    );
    expect(points).toContainEqual(
      expect.objectContaining({
        name: "m2m.downstream.attempts",
        attributes: expect.objectContaining({
          "m2m.job": "report-pull",
          "m2m.attempt.retry": false,
        }) as unknown,
      }),
    );
  });

  it("sends the app's log records with their properties as attributes, in the run's trace", () => {
    const record = telemetry.logRecords.find((entry) => entry.body === "Job run succeeded")!;
    expect(record).toMatchObject({
      severityText: "Information",
      traceId: run.traceId,
      attributes: expect.objectContaining({ job: "report-pull" }) as unknown,
    });
  });

  it("gives the next run its own trace", async () => {
    await host.invokeTimer("job-report-pull");
    const next = await receiver.waitFor(
      (received) => received.spans.filter((span) => span.name === "job report-pull").length >= 2,
      { timeoutMs: 15_000 },
    );
    const traces = new Set(
      next.spans.filter((span) => span.name === "job report-pull").map((span) => span.traceId),
    );
    expect(traces.size).toBe(2);
  });
});

describe("telemetry of a certificate check", () => {
  it("records days left per certificate and per app registration credential", async () => {
    await host.invokeTimer("certificates-check");
    const telemetry = await receiver.waitFor(
      (received) =>
        received.metricPoints.some((point) => point.name === "m2m.certificate.days_left") &&
        received.metricPoints.some((point) => point.name === "m2m.app_credential.days_left") &&
        // The check's span ends after its metrics are recorded, and is exported in its own batch.
        received.spans.some((span) => span.name === "certificate check"),
      { timeoutMs: 15_000 },
    );
    const certificate = telemetry.metricPoints.find((point) => point.name === "m2m.certificate.days_left")!;
    expect(certificate).toMatchObject({
      unit: "d",
      type: "gauge",
      attributes: {
        "m2m.vault": new URL(world.env.M2M_KEYVAULT_URL!).host,
        "m2m.certificate.name": world.env.M2M_KEYVAULT_CERTIFICATE_NAME,
        "m2m.certificate.state": expect.any(String) as unknown,
      },
    });
    const credential = telemetry.metricPoints.find((point) => point.name === "m2m.app_credential.days_left")!;
    expect(credential.attributes).toMatchObject({ "m2m.app.id": world.env.M2M_CLIENT_ID });
    expect(telemetry.spans.some((span) => span.name === "certificate check")).toBe(true);
  }, 30_000);

  it("has, after a job run and a check that renewed, every metric of the list with its attributes", async () => {
    const names = Object.values(METRICS).map((metric) => metric.name);
    const telemetry = await receiver.waitFor(
      (received) => names.every((name) => received.metricPoints.some((point) => point.name === name)),
      { timeoutMs: 15_000 },
    );
    for (const metric of Object.values(METRICS)) {
      const point = telemetry.metricPoints.findLast((candidate) => candidate.name === metric.name)!;
      expect(point.unit, metric.name).toBe(metric.unit);
      for (const key of Object.keys(point.attributes)) expect(metric.attributes, metric.name).toContain(key);
    }
    const points = (name: string) => telemetry.metricPoints.filter((point) => point.name === name);
    expect(points("m2m.keyvault.sign_calls").map((point) => point.attributes)).toContainEqual({
      "m2m.purpose": "client-assertion",
      "m2m.outcome": "ok",
    });
    expect(points("m2m.rotation.steps").map((point) => point.attributes)).toContainEqual({
      "m2m.rotation.step": "add-key",
      "m2m.outcome": "done",
    });
    expect(points("m2m.alert.deliveries").map((point) => point.attributes)).toContainEqual({
      "m2m.alert.channel": "webhook",
      "m2m.outcome": "sent",
    });
  });
});
