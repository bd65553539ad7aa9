import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { BodyTooLargeError } from "../downstream/readRequestBody.js";
import { decodeLogs } from "./decodeLogs.js";
import { decodeMetrics } from "./decodeMetrics.js";
import { decodeTraces } from "./decodeTraces.js";
import { describeTelemetry } from "./describeTelemetry.js";
import { readOtlpBody } from "./readOtlpBody.js";
import type {
  ReceivedLogRecord,
  ReceivedMetricPoint,
  ReceivedSpan,
  ReceivedTelemetry,
} from "./ReceivedTelemetry.js";
import { receivedWaiters } from "../receivedWaiters.js";
import { listenOnLoopback } from "../listenOnLoopback.js";

export interface OtlpReceiverOptions {
  /** 0 or absent: a free port. */
  port?: number;
  /** Largest request body accepted, compressed or inflated (default 8 MiB); larger ones are answered 413. */
  maxBodyBytes?: number;
  /** Records kept of each signal (default 100 000); past it the oldest go, so a long dev run stays bounded. */
  maxRecords?: number;
}

export interface OtlpReceiver {
  /** `http://127.0.0.1:<port>`, no trailing slash: the value for OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly url: string;
  /** Spans received, oldest first (a batch's order kept: children usually before their parent). */
  spans(): ReceivedSpan[];
  /** Metric data points received, oldest first: with cumulative temporality each export repeats every series. */
  metricPoints(): ReceivedMetricPoint[];
  logRecords(): ReceivedLogRecord[];
  /**
   * Resolves with what was received once `predicate` holds for it (checked now and after each export; a predicate
   * that throws, such as one made of `expect`s, counts as not yet). Rejects after `timeoutMs` (default 5000) with
   * a message naming what was received.
   */
  waitFor(
    predicate: (telemetry: ReceivedTelemetry) => boolean,
    options?: { timeoutMs?: number },
  ): Promise<ReceivedTelemetry>;
  /** Forgets everything received. */
  clear(): void;
  /** Closes the server and every open connection. Safe to call twice. */
  stop(): Promise<void>;
}

type Signal = "traces" | "metrics" | "logs";

/** Where each signal is posted: OTLP/HTTP's default paths under OTEL_EXPORTER_OTLP_ENDPOINT. */
const ROUTES: Readonly<Record<string, Signal>> = {
  "/v1/traces": "traces",
  "/v1/metrics": "metrics",
  "/v1/logs": "logs",
};

/** gRPC status codes, for the `google.rpc.Status` body OTLP/HTTP answers errors with. */
const GRPC = { invalidArgument: 3, notFound: 5, resourceExhausted: 8, unimplemented: 12 } as const;

function answer(
  res: ServerResponse,
  status: number,
  body: object,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Why a request is not OTLP/HTTP JSON this receiver decodes, or null when it is. */
function unsupportedEncoding(req: IncomingMessage): string | null {
  const contentType = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (contentType !== "application/json") {
    return (
      `Content-Type ${contentType ? `"${contentType}"` : "missing"}: this receiver decodes OTLP/HTTP JSON only ` +
      "(Content-Type: application/json), not protobuf. Use the @opentelemetry/exporter-*-otlp-http exporters, " +
      "which send JSON."
    );
  }
  const encoding = (req.headers["content-encoding"] ?? "identity").toLowerCase();
  if (encoding !== "identity" && encoding !== "gzip") {
    return `Content-Encoding "${encoding}": this receiver accepts gzip or no compression (OTEL_EXPORTER_OTLP_COMPRESSION=gzip or none).`;
  }
  return null;
}

/**
 * Starts an OTLP/HTTP receiver on loopback, over plain HTTP: the exporters in `@opentelemetry/exporter-{trace,
 * metrics,logs}-otlp-http` post JSON to `/v1/traces`, `/v1/metrics` and `/v1/logs` under OTEL_EXPORTER_OTLP_ENDPOINT,
 * and it keeps what they sent, decoded (hex ids, attributes as plain values, times in milliseconds), for tests and
 * for `npm run dev -- --telemetry`. A full success is answered 200 `{}` (OTLP leaves `partialSuccess` unset when
 * nothing was rejected); protobuf is refused with 415, bodies over the cap with 413, other paths with 404, each
 * with a JSON `google.rpc.Status` saying why.
 */
export async function startOtlpReceiver(options: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
  const maxBodyBytes = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const maxRecords = options.maxRecords ?? 100_000;
  const received: {
    spans: ReceivedSpan[];
    metricPoints: ReceivedMetricPoint[];
    logRecords: ReceivedLogRecord[];
  } = { spans: [], metricPoints: [], logRecords: [] };
  const keep = <T>(list: T[], records: readonly T[]) => {
    list.push(...records);
    if (list.length > maxRecords) list.splice(0, list.length - maxRecords);
  };
  /** Decodes an export request and keeps its records. */
  const accept = (signal: Signal, request: object): void => {
    switch (signal) {
      case "traces":
        return keep(received.spans, decodeTraces(request));
      case "metrics":
        return keep(received.metricPoints, decodeMetrics(request));
      case "logs":
        return keep(received.logRecords, decodeLogs(request));
    }
  };
  const snapshot = (): ReceivedTelemetry => ({
    spans: [...received.spans],
    metricPoints: [...received.metricPoints],
    logRecords: [...received.logRecords],
  });
  const waiters = receivedWaiters({ snapshot, describe: describeTelemetry, what: "telemetry" });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    const signal = ROUTES[path];
    if (!signal) {
      req.resume();
      return answer(res, 404, {
        code: GRPC.notFound,
        message: `${path}: not an OTLP/HTTP path; post to /v1/traces, /v1/metrics or /v1/logs.`,
      });
    }
    if (req.method !== "POST") {
      req.resume();
      return answer(
        res,
        405,
        { code: GRPC.unimplemented, message: `${req.method} ${path}: OTLP/HTTP is POST only.` },
        {
          Allow: "POST",
        },
      );
    }
    const unsupported = unsupportedEncoding(req);
    if (unsupported) {
      // Unread bodies are not drained: the connection closes instead of carrying on after a protobuf payload.
      return answer(res, 415, { code: GRPC.unimplemented, message: unsupported }, { Connection: "close" });
    }
    const tooLarge = () =>
      answer(
        res,
        413,
        {
          code: GRPC.resourceExhausted,
          message: `The request body is over ${maxBodyBytes} bytes; export smaller batches.`,
        },
        { Connection: "close" },
      );
    if (Number(req.headers["content-length"] ?? 0) > maxBodyBytes) return tooLarge();
    let text: string;
    try {
      text = await readOtlpBody(req, maxBodyBytes);
    } catch (cause) {
      if (cause instanceof BodyTooLargeError) return tooLarge();
      throw cause;
    }
    try {
      const request: unknown = JSON.parse(text);
      if (typeof request !== "object" || request === null || Array.isArray(request)) {
        throw new Error("expected a JSON object (an Export…ServiceRequest)");
      }
      accept(signal, request);
    } catch (cause) {
      return answer(res, 400, {
        code: GRPC.invalidArgument,
        message: `${path}: the body is not an OTLP/HTTP JSON request: ${cause instanceof Error ? cause.message : String(cause)}`,
      });
    }
    answer(res, 200, {});
    waiters.wake();
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((cause: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      answer(res, 500, {
        code: 13,
        message: `OTLP receiver failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      });
    });
  });
  const url = `http://127.0.0.1:${await listenOnLoopback(server, options.port)}`;
  let stopped: Promise<void> | null = null;

  return {
    url,
    spans: () => [...received.spans],
    metricPoints: () => [...received.metricPoints],
    logRecords: () => [...received.logRecords],
    waitFor: (predicate, options) => waiters.waitFor(predicate, options),
    clear() {
      received.spans = [];
      received.metricPoints = [];
      received.logRecords = [];
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
