import { afterEach, describe, expect, it } from "vitest";
import { emitLogRecord, toLogAttributes } from "../../src/logging/emitLogRecord.js";
import { inSpan } from "../../src/telemetry/tracer.js";
import { captureTelemetry, type TelemetryCapture } from "../support/telemetryCapture.js";

let capture: TelemetryCapture | undefined;
afterEach(async () => {
  await capture?.stop();
  capture = undefined;
});

describe("toLogAttributes", () => {
  it("keeps scalars and arrays of scalars, writes dates as ISO text and objects as JSON, drops empty values", () => {
    expect(
      toLogAttributes({
        job: "sync",
        attempts: 2,
        retried: false,
        statuses: [503, 200],
        names: ["a", "b"],
        flags: [true, false],
        at: new Date("2026-12-02T10:00:00.000Z"),
        bad: new Date(Number.NaN),
        error: { code: "HTTP_STATUS", status: 503 },
        mixed: [1, { a: 1 }],
        big: 10n,
        gone: undefined,
        none: null,
      }),
    ).toEqual({
      job: "sync",
      attempts: 2,
      retried: false,
      statuses: [503, 200],
      names: ["a", "b"],
      flags: [true, false],
      at: "2026-12-02T10:00:00.000Z",
      bad: "Invalid Date",
      error: '{"code":"HTTP_STATUS","status":503}',
      mixed: '[1,{"a":1}]',
      big: "10",
    });
  });

  it("leaves out empty values entirely, not as keys without a value", () => {
    expect(Object.keys(toLogAttributes({ job: "sync", gone: undefined, none: null }))).toEqual(["job"]);
  });

  it("names a value JSON cannot write instead of failing the log call", () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(toLogAttributes({ loop, fn: () => 1 })).toEqual({
      loop: "[unserialisable object]",
      fn: "function",
    });
  });
});

describe("emitLogRecord", () => {
  it("sends the record with its severity, properties as attributes, in the active span's trace", async () => {
    capture = captureTelemetry();
    const spanId = await inSpan("run", {}, (span) => {
      emitLogRecord("warn", "Retrying", { job: "sync", attempt: 2 });
      return Promise.resolve(span.spanContext().spanId);
    });
    const [record] = capture.logRecords();
    expect(record).toMatchObject({
      body: "Retrying",
      severityText: "Warning",
      severityNumber: 13,
      attributes: { job: "sync", attempt: 2 },
      spanContext: { spanId },
      instrumentationScope: { name: "m2m-functions" },
    });
  });

  it("sends info and error, and keeps debug lines out of the export", () => {
    capture = captureTelemetry();
    emitLogRecord("debug", "detail");
    emitLogRecord("info", "done");
    emitLogRecord("error", "failed");
    expect(
      capture.logRecords().map((record) => [record.body, record.severityText, record.severityNumber]),
    ).toEqual([
      ["done", "Information", 9],
      ["failed", "Error", 17],
    ]);
    expect(capture.logRecords()[0]?.attributes).toEqual({});
  });
});
