import { context, SpanKind, SpanStatusCode, trace, ValueType } from "@opentelemetry/api";
import { SeverityNumber } from "@opentelemetry/api-logs";
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { formatTelemetry } from "../../dev/otlp/formatTelemetry.js";
import { startOtlpReceiver, type OtlpReceiver } from "../../dev/otlp/startOtlpReceiver.js";

const resource = resourceFromAttributes({ "service.name": "otlp-test" });
/** Fixed span times (ms since the epoch), so durations are known. */
const T0 = 1_750_000_000_000;

let receiver: OtlpReceiver;
const shutdowns: (() => Promise<void>)[] = [];
beforeEach(async () => {
  receiver = await startOtlpReceiver();
});
afterEach(async () => {
  vi.unstubAllEnvs();
  for (const shutdown of shutdowns.splice(0)) await shutdown();
  await receiver.stop();
});

/** The real SDK's tracer and OTLP/HTTP JSON exporter; `forceFlush` sends the spans ended so far in one request. */
function tracerProvider(exporter = new OTLPTraceExporter({ url: `${receiver.url}/v1/traces` })) {
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter)] });
  shutdowns.push(() => provider.shutdown());
  return provider;
}

/** A job run's span with a token acquisition under it, as the app makes them; the token span failed. */
async function exportParentAndChild(provider = tracerProvider()) {
  const tracer = provider.getTracer("m2m-functions");
  const parent = tracer.startSpan("job-report-pull", {
    kind: SpanKind.SERVER,
    startTime: T0,
    attributes: {
      "m2m.job": "report-pull",
      "http.response.status_code": 200,
      "m2m.attempt.retry": false,
      ratio: 0.25,
      roles: ["Reports.Read", "Reports.Write"],
    },
  });
  const child = tracer.startSpan(
    "token",
    { kind: SpanKind.CLIENT, startTime: T0 + 10, attributes: { "m2m.token.source": "network" } },
    trace.setSpan(context.active(), parent),
  );
  child.setStatus({ code: SpanStatusCode.ERROR, message: "AADSTS700027: unknown key" });
  child.end(T0 + 50);
  parent.end(T0 + 250);
  await provider.forceFlush();
  return { parent, child };
}

describe("startOtlpReceiver with the real OTLP/HTTP JSON exporters", () => {
  it("decodes spans: hex ids as the span context has them, the parent, kind, times, attributes and status", async () => {
    const { parent, child } = await exportParentAndChild();

    const spans = receiver.spans();
    expect(spans.map((span) => span.name)).toEqual(["token", "job-report-pull"]);
    const [token, job] = spans;
    const { resource: jobResource, ...jobFields } = job!;
    expect(jobResource).toMatchObject({ "service.name": "otlp-test" });
    expect(jobFields).toEqual({
      traceId: parent.spanContext().traceId,
      spanId: parent.spanContext().spanId,
      remoteParent: false,
      name: "job-report-pull",
      kind: "server",
      startTimeMs: T0,
      endTimeMs: T0 + 250,
      attributes: {
        "m2m.job": "report-pull",
        "http.response.status_code": 200,
        "m2m.attempt.retry": false,
        ratio: 0.25,
        roles: ["Reports.Read", "Reports.Write"],
      },
      status: { code: "unset" },
      events: [],
      scope: "m2m-functions",
    });
    expect(token).toMatchObject({
      traceId: parent.spanContext().traceId,
      spanId: child.spanContext().spanId,
      parentSpanId: parent.spanContext().spanId,
      kind: "client",
      startTimeMs: T0 + 10,
      endTimeMs: T0 + 50,
      attributes: { "m2m.token.source": "network" },
      status: { code: "error", message: "AADSTS700027: unknown key" },
    });
  });

  it("decodes a gzip-compressed export (OTEL_EXPORTER_OTLP_COMPRESSION=gzip)", async () => {
    vi.stubEnv("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "gzip");
    const { parent } = await exportParentAndChild();

    expect(receiver.spans().map((span) => span.spanId)).toContain(parent.spanContext().spanId);
  });

  it("decodes metric points of a counter, a gauge and a histogram with their attributes", async () => {
    const reader = new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ url: `${receiver.url}/v1/metrics` }),
      exportIntervalMillis: 3_600_000, // exported by forceFlush only
    });
    const provider = new MeterProvider({ resource, readers: [reader] });
    shutdowns.push(() => provider.shutdown());
    const meter = provider.getMeter("m2m-functions");
    meter
      .createCounter("m2m.job.runs", { unit: "{run}", valueType: ValueType.INT })
      .add(2, { "m2m.job": "report-pull", "m2m.outcome": "succeeded" });
    meter
      .createGauge("m2m.certificate.days_left", { unit: "d", valueType: ValueType.INT })
      .record(19, { "m2m.vault": "demo-vault", "m2m.certificate.name": "m2m-client" });
    const duration = meter.createHistogram("m2m.job.duration", { unit: "s" });
    duration.record(0.5, { "m2m.job": "report-pull" });
    duration.record(1.25, { "m2m.job": "report-pull" });
    await provider.forceFlush();

    const points = receiver
      .metricPoints()
      .map(({ name, unit, type, attributes, value, sum }) => ({ name, unit, type, attributes, value, sum }));
    expect(points).toEqual([
      {
        name: "m2m.job.runs",
        unit: "{run}",
        type: "sum",
        attributes: { "m2m.job": "report-pull", "m2m.outcome": "succeeded" },
        value: 2,
        sum: undefined,
      },
      {
        name: "m2m.certificate.days_left",
        unit: "d",
        type: "gauge",
        attributes: { "m2m.vault": "demo-vault", "m2m.certificate.name": "m2m-client" },
        value: 19,
        sum: undefined,
      },
      {
        name: "m2m.job.duration",
        unit: "s",
        type: "histogram",
        attributes: { "m2m.job": "report-pull" },
        value: 2,
        sum: 1.75,
      },
    ]);
  });

  it("decodes log records with their body, severity, attributes and the span they were emitted in", async () => {
    const span = tracerProvider().getTracer("m2m-functions").startSpan("job-report-pull");
    const provider = new LoggerProvider({
      resource,
      processors: [
        new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${receiver.url}/v1/logs` }) }),
      ],
    });
    shutdowns.push(() => provider.shutdown());
    const logger = provider.getLogger("m2m-functions");
    logger.emit({
      severityNumber: SeverityNumber.WARN,
      severityText: "Warning",
      body: "Job failed",
      attributes: { job: "report-pull", code: "FORBIDDEN", attempts: 3 },
      context: trace.setSpan(context.active(), span),
    });
    logger.emit({ severityNumber: SeverityNumber.INFO, severityText: "Information", body: "Host started" });
    span.end();
    // The simple processor's forceFlush does not wait for exports under way: wait for what the receiver gets.
    const { logRecords } = await receiver.waitFor((telemetry) => telemetry.logRecords.length === 2);

    // Two exports, one per record: they may arrive in either order.
    const byBody = new Map(logRecords.map((record) => [record.body, record]));
    expect(byBody.get("Job failed")).toMatchObject({
      body: "Job failed",
      severityText: "Warning",
      severityNumber: SeverityNumber.WARN,
      attributes: { job: "report-pull", code: "FORBIDDEN", attempts: 3 },
      traceId: span.spanContext().traceId,
      spanId: span.spanContext().spanId,
      scope: "m2m-functions",
    });
    expect(byBody.get("Host started")).toMatchObject({ severityText: "Information", attributes: {} });
    expect(byBody.get("Host started")).not.toHaveProperty("traceId");
  });

  it("waitFor resolves once what arrives satisfies the predicate", async () => {
    const waiting = receiver.waitFor((telemetry) =>
      telemetry.spans.some((span) => span.name === "job-report-pull"),
    );
    await exportParentAndChild();

    const telemetry = await waiting;
    expect(telemetry.spans.map((span) => span.name)).toEqual(["token", "job-report-pull"]);
  });

  it("waitFor rejects on timeout naming what was received", async () => {
    await exportParentAndChild();

    await expect(
      receiver.waitFor((telemetry) => telemetry.spans.length > 5, { timeoutMs: 50 }),
    ).rejects.toThrow(
      "Waited 50 ms for telemetry that satisfies the predicate; received 2 spans (token, job-report-pull); " +
        "no metric points; no log records.",
    );
  });

  it("clear forgets what was received", async () => {
    await exportParentAndChild();
    receiver.clear();

    expect(receiver.spans()).toEqual([]);
  });
});

describe("startOtlpReceiver refusals", () => {
  it("answers 415 with a JSON status naming the fix to protobuf (application/x-protobuf)", async () => {
    const response = await fetch(`${receiver.url}/v1/traces`, {
      method: "POST",
      headers: { "Content-Type": "application/x-protobuf" },
      body: new Uint8Array([0x0a, 0x00]),
    });

    expect(response.status).toBe(415);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({
      code: 12,
      message:
        'Content-Type "application/x-protobuf": this receiver decodes OTLP/HTTP JSON only (Content-Type: ' +
        "application/json), not protobuf. Use the @opentelemetry/exporter-*-otlp-http exporters, which send JSON.",
    });
    expect(receiver.spans()).toEqual([]);
  });

  it("answers 404 for a path that is not an OTLP signal", async () => {
    const response = await fetch(`${receiver.url}/v1/profiles`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      code: 5,
      message: "/v1/profiles: not an OTLP/HTTP path; post to /v1/traces, /v1/metrics or /v1/logs.",
    });
  });

  it("answers 413 for a body over the cap, compressed or inflated", async () => {
    const small = await startOtlpReceiver({ maxBodyBytes: 1000 });
    try {
      const body = JSON.stringify({ resourceSpans: [], padding: "x".repeat(2000) });
      const plain = await fetch(`${small.url}/v1/traces`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body,
      });
      const gzipped = await fetch(`${small.url}/v1/traces`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Content-Encoding": "gzip" },
        body: gzipSync(body),
      });

      expect([plain.status, gzipped.status]).toEqual([413, 413]);
      expect(await plain.json()).toEqual({
        code: 8,
        message: "The request body is over 1000 bytes; export smaller batches.",
      });
    } finally {
      await small.stop();
    }
  });

  it("answers 400 for a body that is not JSON", async () => {
    const response = await fetch(`${receiver.url}/v1/logs`, {
      method: "POST",
      headers: { "Content-Type": "application/json; charset=utf-8" },
      body: "{not json",
    });

    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(
      /^\/v1\/logs: the body is not an OTLP\/HTTP JSON request: /,
    );
  });
});

describe("formatTelemetry", () => {
  it("renders a parent and its child as an indented tree with kind, duration, key attributes and the error", async () => {
    const { parent } = await exportParentAndChild();

    expect(formatTelemetry({ spans: receiver.spans() })).toBe(
      [
        `trace ${parent.spanContext().traceId}  otlp-test`,
        "  job-report-pull  server  250 ms  m2m.job=report-pull m2m.attempt.retry=false http.response.status_code=200",
        "    token  client  40 ms  m2m.token.source=network  ERROR AADSTS700027: unknown key",
      ].join("\n"),
    );
  });

  it("shows an Azure SDK operation with its one HTTP request on one line, and an error's first line", async () => {
    const provider = tracerProvider();
    const tracer = provider.getTracer("@azure/data-tables");
    const operation = tracer.startSpan("TableClient.getEntity", { startTime: T0 });
    const request = tracer.startSpan(
      "HTTP GET",
      { kind: SpanKind.CLIENT, startTime: T0 + 1, attributes: { "http.status_code": 404 } },
      trace.setSpan(context.active(), operation),
    );
    request.setStatus({ code: SpanStatusCode.ERROR });
    request.end(T0 + 3);
    operation.setStatus({
      code: SpanStatusCode.ERROR,
      message: 'RestError: {"odata.error":{"code":"ResourceNotFound"}}\nRequestId:1238146c',
    });
    operation.end(T0 + 4);
    await provider.forceFlush();

    expect(formatTelemetry({ spans: receiver.spans() })).toBe(
      [
        `trace ${operation.spanContext().traceId}  otlp-test`,
        '  TableClient.getEntity  internal  4 ms  (HTTP GET 404)  ERROR RestError: {"odata.error":{"code":"ResourceNotFound"}}',
      ].join("\n"),
    );
  });

  it("puts a log record under the span it was emitted in, and the newest value of each metric series in a table", async () => {
    const { child } = await exportParentAndChild();
    const traceId = child.spanContext().traceId;
    const spanId = child.spanContext().spanId;
    const text = formatTelemetry({
      spans: receiver.spans(),
      logRecords: [
        {
          body: "Token acquired",
          severityText: "Information",
          attributes: { source: "network", scope: "api://demo/.default" },
          traceId,
          spanId,
          timeMs: T0 + 40,
          scope: "m2m-functions",
          resource: {},
        },
        {
          body: "Host started",
          severityText: "Information",
          attributes: {},
          timeMs: T0,
          scope: "",
          resource: {},
        },
      ],
      metricPoints: [
        {
          name: "m2m.job.runs",
          unit: "{run}",
          type: "sum",
          attributes: { "m2m.job": "a" },
          value: 1,
          timeMs: T0,
          resource: {},
        },
        {
          name: "m2m.job.runs",
          unit: "{run}",
          type: "sum",
          attributes: { "m2m.job": "a" },
          value: 2,
          timeMs: T0,
          resource: {},
        },
        {
          name: "m2m.job.duration",
          unit: "s",
          type: "histogram",
          attributes: { "m2m.job": "a" },
          value: 2,
          sum: 1.75,
          timeMs: T0,
          resource: {},
        },
      ],
    });

    expect(text).toBe(
      [
        `trace ${traceId}  otlp-test`,
        "  job-report-pull  server  250 ms  m2m.job=report-pull m2m.attempt.retry=false http.response.status_code=200",
        "    token  client  40 ms  m2m.token.source=network  ERROR AADSTS700027: unknown key",
        "      · Information  Token acquired  source=network scope=api://demo/.default",
        "",
        "logs outside a received span",
        "  Information  Host started",
        "",
        "metric            unit   value             attributes",
        "m2m.job.duration  s      count=2 sum=1.75  m2m.job=a",
        "m2m.job.runs      {run}  2                 m2m.job=a",
      ].join("\n"),
    );
  });
});
