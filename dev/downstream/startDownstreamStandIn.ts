import { randomUUID } from "node:crypto";
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer } from "node:https";
import { issueServerTls } from "../pki/serverTls.js";
import { bearerChallenge } from "./bearerChallenge.js";
import { createBearerVerifier } from "./createBearerVerifier.js";
import { createFaultQueue, type FaultScript } from "./createFaultQueue.js";
import { defaultRoutes } from "./defaultRoutes.js";
import { findRoute } from "./findRoute.js";
import type { DownstreamOutcome, DownstreamRequest } from "./DownstreamRequest.js";
import type { Fault } from "./Fault.js";
import { checkRoutePath } from "./matchRoutePath.js";
import { mergeHeaders } from "./mergeHeaders.js";
import { missingRoleMessage } from "./missingRoleMessage.js";
import { BodyTooLargeError, readRequestBody } from "./readRequestBody.js";
import { redactHeaders } from "./redactHeaders.js";
import type { Route } from "./Route.js";
import { routeKey } from "./routeKey.js";
import { sendLargeBody } from "./sendLargeBody.js";
import { listenOnLoopback } from "../listenOnLoopback.js";

export type { DownstreamOutcome, DownstreamRequest } from "./DownstreamRequest.js";
export type { Fault, FaultKind } from "./Fault.js";
export type { FaultScript } from "./createFaultQueue.js";
export type { Route, RouteAnswer, RouteRequest } from "./Route.js";

export interface DownstreamStandInOptions {
  /** The `iss` every accepted token must carry, e.g. `https://127.0.0.1:PORT/<tenant>/v2.0`. */
  issuer: string;
  /** Where the issuer's signing keys are (HTTPS). Fetched on first use and again once for an unknown `kid`. */
  jwksUri: string;
  /** The `aud` every accepted token must carry: the API's Application ID URI, e.g. `api://m2m-downstream`. */
  audience: string;
  /** 0 or absent: a free port. */
  port?: number;
  /** Tolerated clock difference for `exp` and `nbf`. Default 60. */
  clockToleranceSeconds?: number;
  /** Milliseconds since the epoch; drives token lifetime checks and `at`. Default Date.now. */
  now?: () => number;
  /**
   * Default: {@link defaultRoutes} (GET /reports, POST /reports/sync). `GET /large` is always served. A path may
   * hold one `{name}` segment ("/inventory/{id}"); anything else throws here.
   */
  routes?: Route[];
  /** Faults scripted from the start, by route key ("GET /reports", "PUT /inventory/{id}"). */
  faults?: Record<string, Fault[]>;
}

export interface DownstreamStandIn {
  /** `https://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  /** Every request received, oldest first; an entry is completed when its answer is sent. */
  readonly requests: DownstreamRequest[];
  resetRequests(): void;
  /**
   * Faults for the next requests, per route: `faults.enqueue("GET /reports", { kind: "throttle", retryAfter: "2" })`.
   * A patterned route's key is its pattern ("PUT /inventory/{id}": any id); a key with the actual path
   * ("PUT /inventory/item-001") is consulted after it, for one resource only.
   */
  faults: FaultScript;
  /** How many times the issuer's JWKS was fetched. */
  readonly jwksFetches: number;
  /** Closes the server and every open connection (hanging requests included). */
  stop(): Promise<void>;
}

const LARGE_PATH = "/large";
const MAX_LARGE_BYTES = 256 * 1024 * 1024;
/** `{"data":""}`: the smallest JSON body /large can send. */
const MIN_JSON_LARGE_BYTES = 11;

/**
 * Starts a local API protected by Entra ID over HTTPS (trusted through the dev CA): it validates bearer tokens
 * against the issuer's JWKS, enforces app roles per route, answers with Azure's correlation headers, records
 * every request, and misbehaves on demand (status, throttling, latency, resets, hangs, a stray 401).
 */
export async function startDownstreamStandIn(options: DownstreamStandInOptions): Promise<DownstreamStandIn> {
  const now = options.now ?? Date.now;
  const routes = options.routes ?? defaultRoutes();
  for (const route of routes) checkRoutePath(route.path);
  const faults = createFaultQueue(options.faults);
  const verifier = createBearerVerifier({
    issuer: options.issuer,
    jwksUri: options.jwksUri,
    audience: options.audience,
    clockToleranceSeconds: options.clockToleranceSeconds ?? 60,
    now,
  });
  const timers = new Set<NodeJS.Timeout>();
  let requests: DownstreamRequest[] = [];

  function delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const parsed = new URL(req.url ?? "/", "https://127.0.0.1");
    const requestId = randomUUID();
    const clientRequestId = single(req.headers["x-ms-client-request-id"]);
    const record: DownstreamRequest = {
      at: new Date(now()),
      method,
      path: parsed.pathname,
      query: parsed.search,
      headers: redactHeaders(req.headers),
      body: "",
      traceparent: single(req.headers.traceparent),
      clientRequestId,
      requestId,
      appid: null,
      roles: [],
      status: null,
      outcome: "pending",
      fault: null,
      errorCode: null,
    };
    requests.push(record);
    res.on("close", () => {
      if (record.outcome === "pending") record.outcome = "client_closed";
    });
    const correlation: Record<string, string> = { "x-ms-request-id": requestId };
    if (clientRequestId) correlation["x-ms-client-request-id"] = clientRequestId;

    const answer = (
      status: number,
      outcome: DownstreamOutcome,
      content: { json?: unknown; text?: string; headers?: Record<string, string> } = {},
    ): void => {
      if (res.destroyed || res.headersSent) return;
      record.status = status;
      record.outcome = outcome;
      record.errorCode = errorCodeOf(content.json);
      const text = content.text ?? (content.json === undefined ? undefined : JSON.stringify(content.json));
      if (text === undefined || status === 204 || status === 304 || method === "HEAD") {
        res.writeHead(status, mergeHeaders(correlation, content.headers ?? {})).end();
        return;
      }
      const contentType =
        content.text === undefined ? "application/json; charset=utf-8" : "text/plain; charset=utf-8";
      const headers = mergeHeaders({ "Content-Type": contentType }, correlation, content.headers ?? {}, {
        "Content-Length": String(Buffer.byteLength(text)),
      });
      res.writeHead(status, headers).end(text);
    };
    const error = (code: string, message: string) => ({
      error: {
        code,
        message,
        innerError: {
          date: new Date(now()).toISOString(),
          "request-id": requestId,
          "client-request-id": clientRequestId,
        },
      },
    });

    // The route is found before the fault because a patterned route's faults are keyed by its pattern.
    const { match, allowed } = findRoute(routes, method, parsed.pathname);
    const exactKey = routeKey(method, parsed.pathname);
    const patternKey = match ? routeKey(method, match.route.path) : exactKey;
    const fault = faults.take(patternKey) ?? (patternKey === exactKey ? undefined : faults.take(exactKey));
    record.fault = fault?.kind ?? null;
    if (fault?.kind === "reset") {
      record.outcome = "fault";
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "hang") {
      // Nothing is answered: the client's timeout (or stop()) ends the exchange.
      record.outcome = "fault";
      return;
    }

    try {
      record.body = await readRequestBody(req);
    } catch (cause) {
      if (!(cause instanceof BodyTooLargeError)) throw cause;
      answer(413, "payload_too_large", {
        json: error("PayloadTooLarge", cause.message),
        headers: { Connection: "close" },
      });
      return;
    }
    if (fault?.kind === "latency") await delay(fault.ms);
    if (fault?.kind === "status") {
      const reason = STATUS_CODES[fault.status] ?? "Unknown";
      const body =
        fault.body === undefined
          ? { json: error(reason.replace(/[^A-Za-z]/g, ""), `Injected fault: ${fault.status} ${reason}.`) }
          : typeof fault.body === "string"
            ? { text: fault.body }
            : { json: fault.body };
      answer(fault.status, "fault", { ...body, headers: fault.headers ?? {} });
      return;
    }
    if (fault?.kind === "throttle") {
      const after = /^\d+$/.test(fault.retryAfter.trim())
        ? `${fault.retryAfter.trim()} seconds`
        : fault.retryAfter;
      answer(429, "fault", {
        json: error("TooManyRequests", `Rate limit is exceeded. Try again in ${after}.`),
        headers: { "Retry-After": fault.retryAfter },
      });
      return;
    }
    if (fault?.kind === "unauthorized") {
      const message =
        "The token was refused by an injected 'unauthorized' fault, as right after a signing key rollover; a new request will be accepted.";
      answer(401, "fault", {
        json: error("InvalidAuthenticationToken", message),
        headers: { "WWW-Authenticate": bearerChallenge({ error: "invalid_token", description: message }) },
      });
      return;
    }

    const isLarge = parsed.pathname === LARGE_PATH;
    if (!match && !(isLarge && method === "GET")) {
      if (isLarge) allowed.push("GET");
      if (allowed.length) {
        answer(405, "method_not_allowed", {
          json: error(
            "MethodNotAllowed",
            `${method} is not allowed on ${parsed.pathname}; use ${allowed.join(", ")}.`,
          ),
          headers: { Allow: allowed.join(", ") },
        });
      } else {
        const known = [
          ...routes.map((r) => `${r.method.toUpperCase()} ${r.path}`),
          `GET ${LARGE_PATH}?bytes=N`,
        ];
        answer(404, "not_found", {
          json: error(
            "NotFound",
            `No route ${method} ${parsed.pathname}. This API serves: ${known.join(", ")}.`,
          ),
        });
      }
      return;
    }

    const check = await verifier.verify(single(req.headers.authorization) ?? undefined);
    if (check.outcome === "missing") {
      answer(401, "missing_token", {
        json: error("MissingToken", check.message),
        headers: { "WWW-Authenticate": bearerChallenge() },
      });
      return;
    }
    if (check.outcome === "invalid") {
      answer(401, "invalid_token", {
        json: error(check.code, check.message),
        headers: {
          "WWW-Authenticate": bearerChallenge({ error: "invalid_token", description: check.message }),
        },
      });
      return;
    }
    record.appid = check.appid;
    record.roles = check.roles;

    if (match) {
      const { route, params } = match;
      const required = route.requiredRoles;
      if (required.length && !required.some((role) => check.roles.includes(role))) {
        const message = missingRoleMessage({
          requiredRoles: required,
          roles: check.roles,
          audience: options.audience,
          appid: check.appid,
        });
        answer(403, "forbidden", {
          json: error("MissingRole", message),
          headers: {
            "WWW-Authenticate": bearerChallenge({ error: "insufficient_scope", description: message }),
          },
        });
        return;
      }
      if (!route.respond) {
        answer(route.status ?? 200, "ok", { json: route.json ?? {} });
        return;
      }
      const given = route.respond({
        method,
        path: parsed.pathname,
        query: parsed.searchParams,
        body: record.body,
        params,
        baseUrl: url,
        error,
      });
      const status = given.status ?? 200;
      answer(status, outcomeOf(status), {
        ...(given.json === undefined ? {} : { json: given.json }),
        headers: given.headers ?? {},
      });
      return;
    }

    const bytesParam = parsed.searchParams.get("bytes") ?? "";
    const json = parsed.searchParams.get("type") === "json";
    const bytes = /^\d+$/.test(bytesParam) ? Number(bytesParam) : NaN;
    if (!(bytes <= MAX_LARGE_BYTES) || (json && bytes < MIN_JSON_LARGE_BYTES)) {
      answer(400, "bad_request", {
        json: error(
          "BadRequest",
          `bytes must be a whole number from ${json ? MIN_JSON_LARGE_BYTES : 0} to ${MAX_LARGE_BYTES}, got '${bytesParam}'. Use ${LARGE_PATH}?bytes=N[&type=json][&chunked=true].`,
        ),
      });
      return;
    }
    record.status = 200;
    record.outcome = "ok";
    const chunked = ["1", "true"].includes(parsed.searchParams.get("chunked") ?? "");
    await sendLargeBody(res, { bytes, json, chunked, headers: correlation });
  }

  const tls = await issueServerTls();
  const server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    handle(req, res).catch((cause: unknown) => {
      // A stand-in bug: say so loudly rather than leave the client waiting.
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const message = `Downstream stand-in failed: ${cause instanceof Error ? cause.message : String(cause)}`;
      res.writeHead(500, { "Content-Type": "application/json; charset=utf-8" });
      res.end(JSON.stringify({ error: { code: "InternalServerError", message } }));
    });
  });
  const url = `https://127.0.0.1:${await listenOnLoopback(server, options.port)}`;
  let stopped: Promise<void> | null = null;

  return {
    url,
    get requests() {
      return requests;
    },
    resetRequests() {
      requests = [];
    },
    faults: {
      enqueue: (key, ...scripted) => faults.enqueue(key, ...scripted),
      clear: (key) => faults.clear(key),
      pending: (key) => faults.pending(key),
    },
    get jwksFetches() {
      return verifier.jwksFetches;
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}

/** The outcome recorded for a dynamic route's answer: its 4xx kinds, or "ok". */
function outcomeOf(status: number): DownstreamOutcome {
  if (status === 400) return "bad_request";
  if (status === 404) return "not_found";
  if (status === 405) return "method_not_allowed";
  if (status === 413) return "payload_too_large";
  return "ok";
}

function single(value: string | string[] | undefined): string | null {
  const first = Array.isArray(value) ? value[0] : value;
  return first?.trim() ? first : null;
}

function errorCodeOf(body: unknown): string | null {
  if (!isRecord(body)) return null;
  if (typeof body.error === "string") return body.error;
  return isRecord(body.error) && typeof body.error.code === "string" ? body.error.code : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
