import { randomUUID } from "node:crypto";
import type { AppRegistration, Directory, ServicePrincipal } from "./Directory.js";
import { GraphError, type GraphErrorBody } from "./GraphError.js";
import { parseGraphPath } from "./parseGraphPath.js";
import { routeApplicationRequest } from "./routeApplicationRequest.js";
import { routeServicePrincipalRequest } from "./routeServicePrincipalRequest.js";
import { routeUserRequest } from "./routeUserRequest.js";
import type { PageTokens } from "./PageTokens.js";
import type { SigningKeys } from "./SigningKeys.js";
import { verifyGraphToken, type GraphCaller } from "./verifyGraphToken.js";

/** One request to the Graph stand-in, as tests see it. */
export interface GraphRequestRecord {
  at: Date;
  method: string;
  /** The URL path, e.g. `/v1.0/applications/{id}/addKey` (without the query). */
  path: string;
  /** The calling client's id from the bearer token; null when the token was missing or refused. */
  appid: string | null;
  status: number;
  /** Graph's error code of a failed request. */
  errorCode?: string;
  /** The scripted fault that answered instead of Graph (see GraphFault); absent when Graph answered. */
  fault?: string;
}

export interface GraphContext {
  directory: Directory;
  signingKeys: SigningKeys;
  tenantId: string;
  /** The issuer of the stand-in's tokens: the only one Graph accepts here. */
  issuer: string;
  /** `${authorityHost}/v1.0`: the service root `@odata.context` URLs name. */
  graphBaseUrl: string;
  now: () => number;
  /** Tolerated clock difference for a key proof's `nbf` and `exp`. */
  clockToleranceSeconds: number;
  /** Issues and reads the `$skiptoken`s of paged lists (its key lives as long as the stand-in). */
  pageTokens: PageTokens;
}

export interface GraphRequest {
  method: string;
  /** The URL path, starting with `/v1.0`. */
  path: string;
  query: URLSearchParams;
  authorization?: string;
  clientRequestId?: string;
  /** The request body as text ("" when none). */
  body: string;
}

export interface GraphResult {
  status: number;
  /** null for 204. */
  body: unknown;
  headers: Record<string, string>;
  record: GraphRequestRecord;
}

/** What an operation on one application answers. */
export interface GraphResponse {
  status: number;
  body: unknown;
}

/** Everything an operation on one application gets. */
export interface GraphOperation {
  context: GraphContext;
  app: AppRegistration;
  /** The parsed JSON body (undefined for GET). */
  body: unknown;
  nowMs: number;
}

/** Everything an operation on one service principal gets. */
export interface ServicePrincipalOperation {
  context: GraphContext;
  servicePrincipal: ServicePrincipal;
  /** The parsed JSON body (undefined for GET). */
  body: unknown;
}

/**
 * Microsoft Graph v1.0 on the Entra ID stand-in's directory: `applications` (the paged list; GET and PATCH of one
 * application by `{id}` or `(appId='{appId}')`, `addKey`, `removeKey`, `owners`, `owners/$ref`,
 * `federatedIdentityCredentials`: see routeApplicationRequest), `servicePrincipals` (the list with `$filter`, one
 * principal, `appRoleAssignedTo`: see routeServicePrincipalRequest) and `users` (the paged list: see routeUserRequest). The caller authenticates with an app-only token of this stand-in for Graph and needs
 * the permissions Graph documents (see authorizeGraphCall): reading any application, its own included, needs an
 * Application.* app role; listing users User.Read.All or a directory permission; an application rolls its own keys with the proof alone; changing another application needs
 * Application.ReadWrite.All, or Application.ReadWrite.OwnedBy as one of its owners; granting app roles needs
 * AppRoleAssignment.ReadWrite.All with a read permission. Every request is recorded.
 */
export function graphEndpoint(context: GraphContext, request: GraphRequest): GraphResult {
  const nowMs = context.now();
  const requestId = randomUUID();
  const clientRequestId = request.clientRequestId ?? randomUUID();
  const record: GraphRequestRecord = {
    at: new Date(nowMs),
    method: request.method,
    path: request.path,
    appid: null,
    status: 0,
  };
  const headers = { "request-id": requestId, "client-request-id": clientRequestId };
  try {
    const caller = verifyGraphToken(request.authorization, {
      signingKeys: context.signingKeys,
      tenantId: context.tenantId,
      issuer: context.issuer,
      nowMs,
    });
    record.appid = caller.appid;
    const response = route(context, request, caller, nowMs);
    record.status = response.status;
    return {
      status: response.status,
      body: response.body,
      headers: {
        ...headers,
        ...(response.body === null
          ? {}
          : {
              "Content-Type":
                "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8",
            }),
      },
      record,
    };
  } catch (error) {
    if (!(error instanceof GraphError)) throw error;
    record.status = error.status;
    record.errorCode = error.code;
    const body: GraphErrorBody = error.toBody({ now: new Date(nowMs), requestId, clientRequestId });
    return { status: error.status, body, headers: { ...headers, ...error.headers }, record };
  }
}

function route(
  context: GraphContext,
  request: GraphRequest,
  caller: GraphCaller,
  nowMs: number,
): GraphResponse {
  const path = parseGraphPath(request.path);
  if (!path) {
    const segment = request.path.split("/").filter(Boolean).at(-1) ?? "";
    throw GraphError.segmentNotFound(segment);
  }
  switch (path.collection) {
    case "applications":
      return routeApplicationRequest(context, request, path, caller, nowMs);
    case "servicePrincipals":
      return routeServicePrincipalRequest(context, request, path, caller);
    case "users":
      return routeUserRequest(context, request, path, caller);
  }
}
