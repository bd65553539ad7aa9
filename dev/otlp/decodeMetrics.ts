import type { OtlpHistogramPoint, OtlpMetricsRequest, OtlpNumberPoint } from "./OtlpJson.js";
import { plainAttributes } from "./plainAttributes.js";
import type { ReceivedMetricPoint } from "./ReceivedTelemetry.js";
import { unixNanosToMs } from "./unixNanosToMs.js";

/** The data points of an ExportMetricsServiceRequest (OTLP/HTTP JSON), one entry per point, with its metric's name. */
export function decodeMetrics(request: OtlpMetricsRequest): ReceivedMetricPoint[] {
  return (request.resourceMetrics ?? []).flatMap((resourceMetrics) => {
    const resource = plainAttributes(resourceMetrics.resource?.attributes);
    return (resourceMetrics.scopeMetrics ?? []).flatMap((scopeMetrics) =>
      (scopeMetrics.metrics ?? []).flatMap((metric) => {
        const base = { name: metric.name ?? "", unit: metric.unit ?? "" };
        const number = (type: "gauge" | "sum", point: OtlpNumberPoint): ReceivedMetricPoint => ({
          ...base,
          type,
          attributes: plainAttributes(point.attributes),
          value: Number(point.asInt ?? point.asDouble ?? 0),
          timeMs: unixNanosToMs(point.timeUnixNano),
          resource,
        });
        const histogram = (point: OtlpHistogramPoint): ReceivedMetricPoint => ({
          ...base,
          type: "histogram",
          attributes: plainAttributes(point.attributes),
          value: Number(point.count ?? 0),
          ...(point.sum != null ? { sum: Number(point.sum) } : {}),
          timeMs: unixNanosToMs(point.timeUnixNano),
          resource,
        });
        return [
          ...(metric.gauge?.dataPoints ?? []).map((point) => number("gauge", point)),
          ...(metric.sum?.dataPoints ?? []).map((point) => number("sum", point)),
          ...(metric.histogram?.dataPoints ?? []).map(histogram),
          ...(metric.exponentialHistogram?.dataPoints ?? []).map(histogram),
        ];
      }),
    );
  });
}
