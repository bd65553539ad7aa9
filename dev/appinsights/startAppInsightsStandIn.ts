import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import { createBearerVerifier } from "../downstream/createBearerVerifier.js";
import { BodyTooLargeError } from "../downstream/readRequestBody.js";
import { readOtlpBody } from "../otlp/readOtlpBody.js";
import { issueServerTls } from "../pki/serverTls.js";
import type { AppInsightsItem, ReceivedAppInsights, TrackAttempt } from "./AppInsightsItem.js";
import { authorizeIngestion, type IngestionAuthSettings } from "./authorizeIngestion.js";
import { decodeEnvelope } from "./decodeEnvelope.js";
import { describeAppInsights } from "./describeAppInsights.js";
import { receivedWaiters } from "../receivedWaiters.js";
import { listenOnLoopback } from "../listenOnLoopback.js";

export type * from "./AppInsightsItem.js";
export { INGESTION_REASONS } from "./authorizeIngestion.js";

/** The token audience of Application Insights ingestion in the public cloud. */
export const MONITOR_AUDIENCE = "https://monitor.azure.com";

export interface AppInsightsStandInOptions {
  /** 0 or absent: a free port. */
  port?: number;
  /** The component's instrumentation key (default: a new GUID). */
  instrumentationKey?: string;
  /**
   * The Entra ID tenant whose tokens the component takes (`issuer`, `jwksUri` of the Entra stand-in) and the
   * principal ids (`oid`) holding Monitoring Metrics Publisher on the component, as infra/app/rbac.bicep grants it
   * to the app's identity. Without it no token can be checked, so local authentication must stay on.
   */
  entra?: { issuer: string; jwksUri: string; publishers: readonly string[] };
  /**
   * Local (instrumentation key) authentication. Default: off when `entra` is given — `DisableLocalAuth: true`, as
   * infra/core/monitoring.bicep deploys the component — and on otherwise.
   */
  localAuth?: boolean;
  /** Tolerated clock difference for a token's `nbf` and `exp` (default 60). */
  clockToleranceSeconds?: number;
  /** Milliseconds since the epoch (default Date.now): token lifetimes, item ages, attempt times. */
  now?: () => number;
  /** Largest request body, compressed or inflated (default 16 MiB); larger ones are answered 413. */
  maxBodyBytes?: number;
}

export interface AppInsightsStandIn {
  /** `https://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly instrumentationKey: string;
  /** `InstrumentationKey=…;IngestionEndpoint=<url>/`: the value for APPLICATIONINSIGHTS_CONNECTION_STRING. */
  readonly connectionString: string;
  /** Telemetry items accepted (answered 200 or 206 for them), decoded, oldest first: what reached the component. */
  items(): AppInsightsItem[];
  /** Every POST to the ingestion API, refused ones included, oldest first. */
  attempts(): TrackAttempt[];
  /**
   * Resolves with what was received once `predicate` holds for it (checked now and after each request; a predicate
   * that throws counts as not yet). Rejects after `timeoutMs` (default 5000) naming what was received.
   */
  waitFor(
    predicate: (received: ReceivedAppInsights) => boolean,
    options?: { timeoutMs?: number },
  ): Promise<ReceivedAppInsights>;
  /** Forgets every item and attempt. */
  clear(): void;
  /** Closes the server and every open connection. Safe to call twice. */
  stop(): Promise<void>;
}

/** The ingestion API's paths: `v2.1/track` takes Entra tokens, `v2/track` does not. */
const TRACK_PATHS: Readonly<Record<string, "v2" | "v2.1">> = { "/v2/track": "v2", "/v2.1/track": "v2.1" };

/** The ingestion API's answer body (TrackResponse in the API's specification, Monitor.Exporters 2020-09-15). */
interface TrackResponse {
  itemsReceived: number;
  itemsAccepted: number;
  errors: { index: number; statusCode: number; message: string }[];
}

function answer(res: ServerResponse, status: number, body: object, reason?: string): void {
  const text = JSON.stringify(body);
  const headers = {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
  };
  if (reason) res.writeHead(status, reason, headers);
  else res.writeHead(status, headers);
  res.end(text);
}

/** The envelopes of a track body: a JSON array of envelopes, or one envelope. Throws on anything else. */
function parseEnvelopes(text: string): unknown[] {
  const parsed: unknown = JSON.parse(text);
  if (Array.isArray(parsed)) return parsed;
  if (typeof parsed === "object" && parsed !== null) return [parsed];
  throw new Error("expected a JSON array of telemetry envelopes");
}

/** An envelope's `data.baseType`, or null when it has none. */
function baseTypeOf(envelope: unknown): string | null {
  if (typeof envelope !== "object" || envelope === null) return null;
  const data = (envelope as { data?: unknown }).data;
  if (typeof data !== "object" || data === null) return null;
  const baseType = (data as { baseType?: unknown }).baseType;
  return typeof baseType === "string" ? baseType : null;
}

/**
 * Starts a stand-in for Application Insights' ingestion endpoint (the "Breeze" API the Azure Monitor exporters post
 * to) over HTTPS trusted through the dev CA. It serves `POST /v2.1/track` and `/v2/track` with a JSON array of
 * envelopes, gzip-compressed or not: each envelope's instrumentation key must be the component's and its data a
 * known type with its required fields; accepted items are kept, decoded, for tests. Answers: 200 with
 * `{ itemsReceived, itemsAccepted, errors: [] }`, 206 with the refused items' errors, 400 when none is accepted; with
 * local authentication off, 401 without a valid token for https://monitor.azure.com from the Entra stand-in and 403
 * for an identity that is not a publisher (see authorizeIngestion). The exporter's other endpoints — Statsbeat to
 * Microsoft's own components and OneSettings at settings.sdk.monitor.azure.com — are not served here.
 */
export async function startAppInsightsStandIn(
  options: AppInsightsStandInOptions = {},
): Promise<AppInsightsStandIn> {
  const instrumentationKey = options.instrumentationKey ?? randomUUID();
  const now = options.now ?? Date.now;
  const maxBodyBytes = options.maxBodyBytes ?? 16 * 1024 * 1024;
  const localAuth = options.localAuth ?? options.entra === undefined;
  if (!localAuth && !options.entra) {
    throw new Error(
      "startAppInsightsStandIn: localAuth: false needs `entra` (the tenant whose tokens it takes)",
    );
  }
  const auth: IngestionAuthSettings = {
    localAuth,
    verifier: options.entra
      ? createBearerVerifier({
          issuer: options.entra.issuer,
          jwksUri: options.entra.jwksUri,
          audience: MONITOR_AUDIENCE,
          clockToleranceSeconds: options.clockToleranceSeconds ?? 60,
          now,
        })
      : null,
    publishers: new Set((options.entra?.publishers ?? []).map((id) => id.toLowerCase())),
  };
  let items: AppInsightsItem[] = [];
  let attempts: TrackAttempt[] = [];
  const snapshot = (): ReceivedAppInsights => ({ items: [...items], attempts: [...attempts] });
  const waiters = receivedWaiters({
    snapshot,
    describe: describeAppInsights,
    what: "Application Insights telemetry",
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Connection strings end the endpoint with a slash and SDKs append `/v2.1/track`: the service takes `//v2.1/track`.
    // (Not `new URL`: it reads a path starting `//` as a host name.)
    const path = (req.url ?? "/").split("?")[0]!.replace(/\/{2,}/g, "/");
    const api = TRACK_PATHS[path];
    if (!api) {
      req.resume();
      return answer(res, 404, { error: `${path}: not an ingestion path; post to /v2.1/track.` });
    }
    if (req.method !== "POST") {
      req.resume();
      res.setHeader("Allow", "POST");
      return answer(res, 405, { error: `${req.method ?? ""} ${path}: the ingestion API is POST only.` });
    }
    const gzip = (req.headers["content-encoding"] ?? "").toLowerCase() === "gzip";
    const record = (entry: Omit<TrackAttempt, "at" | "path" | "gzip">) => {
      attempts.push({ at: new Date(now()), path, gzip, ...entry });
      waiters.wake();
    };
    let text: string;
    try {
      text = await readOtlpBody(req, maxBodyBytes);
    } catch (cause) {
      if (!(cause instanceof BodyTooLargeError)) throw cause;
      const message = `The request body is over ${maxBodyBytes} bytes; send smaller batches.`;
      record({
        status: 413,
        authorization: "none",
        principalId: null,
        appId: null,
        itemsReceived: 0,
        itemsAccepted: 0,
        baseTypes: [],
        refusals: [message],
      });
      res.setHeader("Connection", "close");
      return answer(res, 413, { itemsReceived: 0, itemsAccepted: 0, errors: [] });
    }
    let envelopes: unknown[] | null = null;
    let parseError = "";
    try {
      envelopes = parseEnvelopes(text);
    } catch (cause) {
      const why = cause instanceof Error ? cause.message : String(cause);
      parseError = `The body is not a JSON array of envelopes: ${why}`;
    }
    const received = envelopes?.length ?? 0;
    const baseTypes = [...new Set((envelopes ?? []).map(baseTypeOf).filter((type) => type !== null))];

    const access = await authorizeIngestion(auth, api, req.headers.authorization);
    const caller = {
      authorization: access.authorization,
      principalId: access.principalId,
      appId: access.appId,
    };
    if (!access.allowed) {
      const message = `${access.reason}. ${access.detail}`;
      record({
        status: access.status,
        ...caller,
        itemsReceived: received,
        itemsAccepted: 0,
        baseTypes,
        refusals: [message],
      });
      const errors = Array.from({ length: received }, (_, index) => ({
        index,
        statusCode: access.status,
        message,
      }));
      return answer(
        res,
        access.status,
        { itemsReceived: received, itemsAccepted: 0, errors } satisfies TrackResponse,
        access.reason,
      );
    }
    if (envelopes === null) {
      record({
        status: 400,
        ...caller,
        itemsReceived: 0,
        itemsAccepted: 0,
        baseTypes,
        refusals: [parseError],
      });
      return answer(res, 400, {
        itemsReceived: 0,
        itemsAccepted: 0,
        errors: [{ index: 0, statusCode: 400, message: parseError }],
      } satisfies TrackResponse);
    }
    const response: TrackResponse = { itemsReceived: received, itemsAccepted: 0, errors: [] };
    const accepted: AppInsightsItem[] = [];
    envelopes.forEach((envelope, index) => {
      const outcome = decodeEnvelope(envelope, instrumentationKey, now());
      if ("item" in outcome) accepted.push(outcome.item);
      else response.errors.push({ index, statusCode: 400, message: outcome.error });
    });
    response.itemsAccepted = accepted.length;
    const status = response.errors.length === 0 ? 200 : accepted.length > 0 ? 206 : 400;
    items.push(...accepted);
    record({
      status,
      ...caller,
      itemsReceived: received,
      itemsAccepted: accepted.length,
      baseTypes,
      refusals: response.errors.map((error) => `item ${error.index}: ${error.message}`),
    });
    answer(res, status, response);
  }

  const tls = await issueServerTls();
  const server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    handle(req, res).catch((cause: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      answer(res, 500, {
        error: `Application Insights stand-in failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      });
    });
  });
  const url = `https://127.0.0.1:${await listenOnLoopback(server, options.port)}`;
  let stopped: Promise<void> | null = null;

  return {
    url,
    instrumentationKey,
    connectionString: `InstrumentationKey=${instrumentationKey};IngestionEndpoint=${url}/`,
    items: () => [...items],
    attempts: () => [...attempts],
    waitFor: (predicate, options) => waiters.waitFor(predicate, options),
    clear() {
      items = [];
      attempts = [];
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
