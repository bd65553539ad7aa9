import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { issueServerTls } from "../pki/serverTls.js";
import { jwksVerifier, TokenRejected } from "./jwksVerifier.js";

/** One scripted misbehaviour, consumed by the next matching request. */
export type Fault =
  | { kind: "status"; status: number; body?: string; headers?: Record<string, string> }
  | { kind: "throttle"; retryAfter: string }
  | { kind: "latency"; ms: number }
  | { kind: "reset" }
  | { kind: "unauthorized" }
  | { kind: "hang" };

export interface Route {
  method: string;
  path: string;
  requiredRoles: string[];
  status?: number;
  json?: unknown;
}

export interface DownstreamRequest {
  at: Date;
  method: string;
  path: string;
  /** Authorization shown as "Bearer <redacted>". */
  headers: Record<string, string>;
  traceparent: string | null;
  clientRequestId: string | null;
  appid: string | null;
  roles: string[];
  status: number;
  outcome: string;
}

export interface DownstreamStandIn {
  url: string;
  readonly requests: readonly DownstreamRequest[];
  faults: { enqueue(route: string, ...faults: Fault[]): void; clear(): void };
  resetRequests(): void;
  stop(): Promise<void>;
}

const defaultRoutes: Route[] = [
  {
    method: "GET",
    path: "/reports",
    requiredRoles: ["Reports.Read.All"],
    json: {
      reports: [
        { id: 1, name: "daily" },
        { id: 2, name: "weekly" },
      ],
    },
  },
  {
    method: "POST",
    path: "/reports/sync",
    requiredRoles: ["Reports.Write"],
    status: 202,
    json: { sync: "started" },
  },
];

/**
 * A downstream API protected by Entra ID: validates bearer tokens like a real API (JWKS signature, iss, aud,
 * exp/nbf, required app roles) and misbehaves on request — latency, 429 with Retry-After, 5xx, connection reset,
 * a 401 once, a hang — so retries, timeouts and token refresh can be exercised over real HTTPS.
 */
export async function startDownstreamStandIn(options: {
  issuer: string;
  jwksUri: string;
  audience: string;
  port?: number;
  clockToleranceSeconds?: number;
  now?: () => number;
  routes?: Route[];
  faults?: Record<string, Fault[]>;
}): Promise<DownstreamStandIn> {
  const routes = options.routes ?? defaultRoutes;
  const verify = jwksVerifier({
    issuer: options.issuer,
    jwksUri: options.jwksUri,
    audience: options.audience,
    toleranceSeconds: options.clockToleranceSeconds ?? 60,
    now: options.now ?? Date.now,
  });
  const queues = new Map<string, Fault[]>(
    Object.entries(options.faults ?? {}).map(([k, v]) => [k.toUpperCase(), [...v]]),
  );
  const requests: DownstreamRequest[] = [];

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "https://localhost");
    const method = (request.method ?? "GET").toUpperCase();
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([k, v]) => [
        k,
        k === "authorization" ? "Bearer <redacted>" : String(v),
      ]),
    );
    const clientRequestId = request.headers["x-ms-client-request-id"]?.toString() ?? null;
    const record: DownstreamRequest = {
      at: new Date(),
      method,
      path: url.pathname,
      headers,
      traceparent: request.headers.traceparent?.toString() ?? null,
      clientRequestId,
      appid: null,
      roles: [],
      status: 0,
      outcome: "",
    };
    requests.push(record);
    for await (const _chunk of request) {
      // drain the body
    }
    const send = (status: number, body: unknown, extra: Record<string, string> = {}) => {
      record.status = status;
      const text = typeof body === "string" ? body : JSON.stringify(body);
      response.writeHead(status, {
        "content-type": typeof body === "string" ? "text/plain" : "application/json",
        "x-ms-request-id": randomUUID(),
        ...(clientRequestId ? { "x-ms-client-request-id": clientRequestId } : {}),
        ...extra,
      });
      response.end(text);
    };

    const fault = queues.get(`${method} ${url.pathname}`.toUpperCase())?.shift();
    if (fault?.kind === "reset") {
      record.outcome = "reset";
      request.socket.destroy();
      return;
    }
    if (fault?.kind === "hang") {
      record.outcome = "hang";
      return; // never answers; the client gives up
    }
    if (fault?.kind === "latency") await new Promise((resolve) => setTimeout(resolve, fault.ms));
    if (fault?.kind === "status") {
      record.outcome = `fault ${fault.status}`;
      return send(
        fault.status,
        fault.body ?? { error: { code: "InjectedFault", message: `Injected ${fault.status}` } },
        fault.headers,
      );
    }
    if (fault?.kind === "throttle") {
      record.outcome = "throttled";
      return send(
        429,
        { error: { code: "TooManyRequests", message: "Rate limit exceeded" } },
        { "retry-after": fault.retryAfter },
      );
    }

    const authorization = request.headers.authorization ?? "";
    const bearer = /^Bearer (.+)$/i.exec(authorization)?.[1];
    const challenge = (error: string, description: string) =>
      `Bearer error="${error}", error_description="${description.replaceAll('"', "'")}"`;
    if (!bearer) {
      record.outcome = "no token";
      return send(
        401,
        { error: { code: "MissingToken", message: "No bearer token" } },
        { "www-authenticate": 'Bearer realm="m2m-downstream"' },
      );
    }
    let claims;
    try {
      claims = await verify(bearer);
    } catch (error) {
      const rejected =
        error instanceof TokenRejected ? error : new TokenRejected("InvalidToken", String(error));
      record.outcome = rejected.code;
      return send(
        401,
        { error: { code: rejected.code, message: rejected.message } },
        { "www-authenticate": challenge("invalid_token", rejected.message) },
      );
    }
    record.appid = typeof claims.appid === "string" ? claims.appid : null;
    record.roles = Array.isArray(claims.roles) ? claims.roles.map(String) : [];
    if (fault?.kind === "unauthorized") {
      record.outcome = "unauthorized (injected)";
      return send(
        401,
        { error: { code: "InvalidToken", message: "Signature key rolled over" } },
        { "www-authenticate": challenge("invalid_token", "The signing key was rolled over") },
      );
    }

    if (method === "GET" && url.pathname === "/large") {
      const bytes = Math.min(Number(url.searchParams.get("bytes") ?? 1024), 50 * 1024 * 1024);
      record.outcome = "ok";
      return send(200, "x".repeat(bytes));
    }
    const route = routes.find((r) => r.method === method && r.path === url.pathname);
    if (!route) {
      record.outcome = "not found";
      return send(404, { error: { code: "NotFound", message: `No route ${method} ${url.pathname}` } });
    }
    const missing = route.requiredRoles.filter((role) => !record.roles.includes(role));
    if (missing.length > 0) {
      record.outcome = "missing role";
      return send(403, {
        error: {
          code: "MissingRole",
          message: `The token's roles claim lacks ${missing.join(", ")} (has: ${record.roles.length ? record.roles.join(", ") : "none"}). Assign the app role to the client's service principal and grant admin consent.`,
        },
      });
    }
    record.outcome = "ok";
    return send(route.status ?? 200, route.json ?? { ok: true });
  };

  const server = createServer(await issueServerTls(), (request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    faults: {
      enqueue(route, ...faults) {
        const key = route.toUpperCase();
        queues.set(key, [...(queues.get(key) ?? []), ...faults]);
      },
      clear: () => queues.clear(),
    },
    resetRequests: () => void requests.splice(0),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
