import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { followTelemetry } from "../../dev/otlp/followTelemetry.js";
import type {
  ReceivedLogRecord,
  ReceivedMetricPoint,
  ReceivedSpan,
} from "../../dev/otlp/ReceivedTelemetry.js";

const T0 = 1_750_000_000_000;
const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

function span(name: string, spanId: string, parentSpanId?: string): ReceivedSpan {
  return {
    traceId: TRACE,
    spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    remoteParent: false,
    name,
    kind: "internal",
    startTimeMs: T0,
    endTimeMs: T0 + 20,
    attributes: {},
    status: { code: "unset" },
    events: [],
    scope: "m2m-functions",
    resource: {},
  };
}

/** What a receiver holds, filled by the test as exports would fill it. */
const received = {
  spans: [] as ReceivedSpan[],
  metricPoints: [] as ReceivedMetricPoint[],
  logRecords: [] as ReceivedLogRecord[],
};
const receiver = {
  spans: () => [...received.spans],
  metricPoints: () => [...received.metricPoints],
  logRecords: () => [...received.logRecords],
};

beforeEach(() => {
  vi.useFakeTimers();
  received.spans = [];
  received.metricPoints = [];
  received.logRecords = [];
});
afterEach(() => {
  vi.useRealTimers();
});

describe("followTelemetry", () => {
  it("shows a trace one interval after its root arrived, with a child exported in a later batch", () => {
    const written: string[] = [];
    const follower = followTelemetry(receiver, { write: (text) => written.push(text), intervalMs: 1000 });

    received.spans.push(span("token", "00f067aa0ba902b7", "b7ad6b7169203331"));
    vi.advanceTimersByTime(1000);
    received.spans.push(span("job-report-pull", "b7ad6b7169203331"));
    vi.advanceTimersByTime(1000);
    expect(written).toEqual([]);

    received.spans.push(span("table", "a1b2c3d4e5f60718", "b7ad6b7169203331"));
    vi.advanceTimersByTime(1000);
    expect(written).toEqual([
      `\ntrace ${TRACE}\n  job-report-pull  internal  20 ms\n    token  internal  20 ms\n    table  internal  20 ms\n`,
    ]);
    follower.stop();
    expect(written).toHaveLength(1);
  });

  it("shows the metric table when it changed, and again at the end", () => {
    const written: string[] = [];
    const follower = followTelemetry(receiver, {
      write: (text) => written.push(text),
      intervalMs: 1000,
      metricsEveryMs: 2000,
    });
    const point = (value: number): ReceivedMetricPoint => ({
      name: "m2m.job.runs",
      unit: "{run}",
      type: "sum",
      attributes: { "m2m.job": "a" },
      value,
      timeMs: T0,
      resource: {},
    });

    received.metricPoints.push(point(1));
    vi.advanceTimersByTime(4000); // two metric ticks, the same value
    received.metricPoints.push(point(2));
    follower.stop();

    expect(written).toEqual([
      "\nmetrics (the newest value of each series)\nmetric        unit   value  attributes\nm2m.job.runs  {run}  1      m2m.job=a\n",
      "\nmetrics (the newest value of each series)\nmetric        unit   value  attributes\nm2m.job.runs  {run}  2      m2m.job=a\n",
    ]);
  });

  it("shows at the end a trace whose root never arrived, and log records outside traces", () => {
    const written: string[] = [];
    const follower = followTelemetry(receiver, { write: (text) => written.push(text) });
    received.spans.push(span("token", "00f067aa0ba902b7", "b7ad6b7169203331"));
    received.logRecords.push({
      body: "Host started",
      severityText: "Information",
      attributes: {},
      timeMs: T0,
      scope: "",
      resource: {},
    });

    follower.stop();

    expect(written).toEqual([
      `\ntrace ${TRACE}\n  token  internal  20 ms\n\nlogs outside a received span\n  Information  Host started\n`,
    ]);
  });
});
