import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as delay } from "node:timers/promises";
import type { Directory } from "./Directory.js";
import { answerGraphFault } from "./answerGraphFault.js";
import { EntraError } from "./EntraError.js";
import { graphEndpoint, type GraphContext, type GraphRequestRecord } from "./graphEndpoint.js";
import type { GraphFault, GraphFaultQueue } from "./GraphFault.js";
import {
  managedIdentityEndpoint,
  type ManagedIdentityContext,
  type ManagedIdentityRequestRecord,
} from "./managedIdentityEndpoint.js";
import { openIdConfiguration } from "./openIdConfiguration.js";
import { readBody } from "./readBody.js";
import { sendJson } from "./sendJson.js";
import type { SigningKeys } from "./SigningKeys.js";
import {
  faultedTokenRequestRecord,
  tokenEndpoint,
  type TokenEndpointContext,
  type TokenRequestRecord,
} from "./tokenEndpoint.js";
import { answerTokenFault } from "./answerTokenFault.js";
import type { TokenFaultQueue } from "./TokenFault.js";
import { answerIdentityFault } from "./answerIdentityFault.js";
import type { IdentityFault, IdentityFaultQueue } from "./IdentityFault.js";

/** What the stand-in counts, for tests that assert how often the SDKs called. */
export interface RequestLog {
  tokenRequests: TokenRequestRecord[];
  managedIdentityRequests: ManagedIdentityRequestRecord[];
  metadataRequests: number;
  jwksRequests: number;
  graphRequests: GraphRequestRecord[];
}

export interface EntraRoutes {
  authorityHost: string;
  tenantId: string;
  directory: Directory;
  signingKeys: SigningKeys;
  now: () => number;
  token: TokenEndpointContext;
  managedIdentity: ManagedIdentityContext;
  /** Microsoft Graph's `applications`, served under `/v1.0`. */
  graph: GraphContext;
  /** Faults scripted for the next Graph requests. */
  graphFaults: GraphFaultQueue;
  /** Faults scripted for the next token requests. */
  tokenFaults: TokenFaultQueue;
  /** Faults scripted for the next managed identity requests. */
  identityFaults: IdentityFaultQueue;
  /** The path of IDENTITY_ENDPOINT. */
  managedIdentityPath: string;
  log: RequestLog;
}

const OPENID_CONFIGURATION = /^\/([^/]+)\/(v2\.0\/)?\.well-known\/openid-configuration$/;
const KEYS = /^\/([^/]+)\/discovery\/(v2\.0\/)?keys$/;
const TOKEN = /^\/([^/]+)\/oauth2\/v2\.0\/token$/;

/**
 * Routes the stand-in's requests: the discovery documents (v2.0 and v1), the JWKS, the v2.0 token endpoint, the
 * managed identity endpoint and Microsoft Graph (`/v1.0/...`). Anything else is a 404 that names the request.
 */
export function createRequestHandler(
  routes: EntraRoutes,
): (request: IncomingMessage, response: ServerResponse) => void {
  const { authorityHost, directory, log } = routes;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", authorityHost);
    const path = url.pathname;
    const method = request.method ?? "GET";
    const clientRequestId = headerValue(request.headers["client-request-id"]);
    const sendError = (error: EntraError) =>
      sendJson(
        response,
        error.status,
        error.toBody({ now: new Date(routes.now()), ...optional("correlationId", clientRequestId) }),
      );

    let match = OPENID_CONFIGURATION.exec(path);
    if (match && method === "GET") {
      log.metadataRequests += 1;
      const tenant = decodeURIComponent(match[1] ?? "");
      if (!directory.isThisTenant(tenant))
        return sendError(EntraError.tenantNotFound(tenant, "invalid_tenant"));
      return sendJson(
        response,
        200,
        openIdConfiguration(authorityHost, routes.tenantId, match[2] ? "v2" : "v1"),
      );
    }
    match = KEYS.exec(path);
    if (match && method === "GET") {
      log.jwksRequests += 1;
      const tenant = decodeURIComponent(match[1] ?? "");
      if (!directory.isThisTenant(tenant) && !["common", "organizations"].includes(tenant.toLowerCase())) {
        return sendError(EntraError.tenantNotFound(tenant, "invalid_tenant"));
      }
      return sendJson(response, 200, routes.signingKeys.jwks());
    }
    match = TOKEN.exec(path);
    if (match) {
      if (method !== "POST") return sendError(EntraError.methodNotAllowed(method));
      const tokenRequest = {
        tenant: decodeURIComponent(match[1] ?? ""),
        form: new URLSearchParams(await readBody(request)),
        url: `${authorityHost}${path}`,
        ...optional("authorization", request.headers.authorization),
        ...optional("clientRequestId", clientRequestId),
      };
      const fault = routes.tokenFaults.take();
      if (fault && fault.kind !== "latency") {
        const now = new Date(routes.now());
        log.tokenRequests.push(faultedTokenRequestRecord(tokenRequest, now, fault.kind));
        const ids = { now, requestId: randomUUID(), ...optional("correlationId", clientRequestId) };
        return answerTokenFault(fault, request, response, ids);
      }
      if (fault) await delay(fault.ms);
      const result = tokenEndpoint(routes.token, tokenRequest);
      log.tokenRequests.push(result.record);
      return sendJson(response, result.status, result.body, {
        ...optional("client-request-id", clientRequestId),
        "x-ms-request-id": randomUUID(),
      });
    }
    if (path === routes.managedIdentityPath && method === "GET") {
      const fault = routes.identityFaults.take(url.searchParams.get("client_id"));
      if (fault && fault.kind !== "latency") {
        log.managedIdentityRequests.push({
          at: new Date(routes.now()),
          resource: url.searchParams.get("resource") ?? "",
          status: faultStatus(fault),
          outcome: "fault",
          fault: fault.kind,
        });
        return answerIdentityFault(fault, request, response);
      }
      if (fault) await delay(fault.ms);
      const result = managedIdentityEndpoint(routes.managedIdentity, {
        query: url.searchParams,
        identityHeader: headerValue(request.headers["x-identity-header"]),
      });
      log.managedIdentityRequests.push(fault ? { ...result.record, fault: fault.kind } : result.record);
      return sendJson(response, result.status, result.body);
    }
    if (path === "/v1.0" || path.startsWith("/v1.0/")) {
      const fault = routes.graphFaults.take();
      if (fault && fault.kind !== "latency") {
        log.graphRequests.push({
          at: new Date(routes.now()),
          method,
          path,
          appid: null,
          status: faultStatus(fault),
          fault: fault.kind,
        });
        const ids = {
          now: new Date(routes.now()),
          requestId: randomUUID(),
          clientRequestId: clientRequestId ?? randomUUID(),
        };
        return answerGraphFault(fault, request, response, ids);
      }
      if (fault) await delay(fault.ms);
      const result = graphEndpoint(routes.graph, {
        method,
        path,
        query: url.searchParams,
        body: method === "GET" || method === "HEAD" ? "" : await readBody(request),
        ...optional("authorization", request.headers.authorization),
        ...optional("clientRequestId", clientRequestId),
      });
      log.graphRequests.push(fault ? { ...result.record, fault: fault.kind } : result.record);
      if (result.body === null) return void response.writeHead(result.status, result.headers).end();
      return sendJson(response, result.status, result.body, result.headers);
    }
    return sendJson(response, 404, {
      error: "not_found",
      error_description: `The Entra ID stand-in does not serve ${method} ${path}.`,
    });
  }

  return (request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) return void response.destroy();
      sendJson(response, 500, {
        error: "server_error",
        error_description: `Entra ID stand-in failed: ${error instanceof Error ? error.message : String(error)}`,
      });
    });
  };
}

/** The status a fault answers with, for the request log: 0 when it answers none (a hang, a reset). */
function faultStatus(fault: GraphFault | IdentityFault): number {
  if (fault.kind === "status") return fault.status;
  if (fault.kind === "throttle") return 429;
  if (fault.kind === "unauthorized") return 401;
  if (fault.kind === "large") return 200;
  return 0;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
