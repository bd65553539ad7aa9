import { hexId } from "./hexId.js";
import type { OtlpLogsRequest } from "./OtlpJson.js";
import { plainAttributes } from "./plainAttributes.js";
import { plainValue } from "./plainValue.js";
import type { ReceivedLogRecord } from "./ReceivedTelemetry.js";
import { unixNanosToMs } from "./unixNanosToMs.js";

/** The log records of an ExportLogsServiceRequest (OTLP/HTTP JSON), each with its resource and scope. */
export function decodeLogs(request: OtlpLogsRequest): ReceivedLogRecord[] {
  return (request.resourceLogs ?? []).flatMap((resourceLogs) => {
    const resource = plainAttributes(resourceLogs.resource?.attributes);
    return (resourceLogs.scopeLogs ?? []).flatMap((scopeLogs) =>
      (scopeLogs.logRecords ?? []).map((record): ReceivedLogRecord => {
        const traceId = hexId(record.traceId, 16);
        const spanId = hexId(record.spanId, 8);
        return {
          body: plainValue(record.body),
          ...(record.severityText ? { severityText: record.severityText } : {}),
          ...(record.severityNumber ? { severityNumber: record.severityNumber } : {}),
          attributes: plainAttributes(record.attributes),
          ...(traceId ? { traceId } : {}),
          ...(spanId ? { spanId } : {}),
          // A record without a time of its own was observed by the SDK when emitted.
          timeMs: unixNanosToMs(record.timeUnixNano) || unixNanosToMs(record.observedTimeUnixNano),
          scope: scopeLogs.scope?.name ?? "",
          resource,
        };
      }),
    );
  });
}
