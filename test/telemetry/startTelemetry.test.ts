import { context, metrics, propagation, trace } from "@opentelemetry/api";
import { logs } from "@opentelemetry/api-logs";
import { afterEach, describe, expect, it } from "vitest";
import { startTelemetry } from "../../src/telemetry/startTelemetry.js";
import type { TelemetryHandle } from "../../src/telemetry/TelemetryHandle.js";
import { inSpan, traceparentOf } from "../../src/telemetry/tracer.js";

let handle: TelemetryHandle | undefined;
afterEach(async () => {
  await handle?.shutdown(1_000);
  handle = undefined;
  for (const api of [trace, metrics, logs, propagation, context]) api.disable();
});

describe("startTelemetry", () => {
  it("loads nothing and records nothing when no destination is configured", async () => {
    const reported: string[] = [];
    handle = await startTelemetry({}, (line) => reported.push(line));
    expect(handle).toMatchObject({ enabled: false, destinations: [] });
    expect(await inSpan("work", {}, (span) => Promise.resolve(traceparentOf(span)))).toBeNull();
    expect(reported).toEqual([]);
  });

  it("names a bad setting and keeps that destination off, without throwing", async () => {
    const reported: string[] = [];
    handle = await startTelemetry(
      { OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector.example.com:4318" },
      (line) => reported.push(line),
    );
    expect(handle.enabled).toBe(false);
    expect(reported).toEqual([
      'Telemetry setting ignored: OTEL_EXPORTER_OTLP_ENDPOINT: expected OTLP/HTTP base URL (https, or http to this machine), e.g. https://otel.example.com:4318 (plain http is allowed only to this machine); got "http://collector.example.com:4318"',
    ]);
  });

  it("registers the SDK for an OTLP endpoint: spans are recorded and carry a sampled traceparent", async () => {
    // Nothing listens there; the export fails quietly later (reported through the diagnostic logger), never here.
    handle = await startTelemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9" }, () => undefined);
    expect(handle).toMatchObject({ enabled: true, destinations: ["OTLP"] });
    const header = await inSpan("work", {}, (span) => Promise.resolve(traceparentOf(span)));
    expect(header).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });
});
