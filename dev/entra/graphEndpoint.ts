import { randomUUID } from "node:crypto";
import { authorizeGraphCall } from "./authorizeGraphCall.js";
import type { AppRegistration, Directory } from "./Directory.js";
import { graphAddKey } from "./graphAddKey.js";
import { GraphError, type GraphErrorBody } from "./GraphError.js";
import { graphRemoveKey } from "./graphRemoveKey.js";
import { graphUpdateApplication } from "./graphUpdateApplication.js";
import type { SigningKeys } from "./SigningKeys.js";
import {
  APPLICATION_PROPERTIES,
  toGraphApplication,
  type ApplicationProperty,
} from "./toGraphApplication.js";
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

const APPLICATION = /^\/v1\.0\/applications(?:\/([^/()]+)|\(appId='([^']*)'\))(?:\/(addKey|removeKey))?\/?$/i;

/**
 * Microsoft Graph v1.0 `applications`, on the Entra ID stand-in's directory: `GET /applications/{id}` and
 * `GET /applications(appId='{appId}')` (with `$select`), `POST .../addKey`, `POST .../removeKey` and
 * `PATCH /applications/{id}` (keyCredentials, displayName). The caller authenticates with an app-only token of this
 * stand-in for Graph and needs the permissions Graph documents (see {@link authorizeGraphCall}): reading any
 * application, its own included, needs an Application.* app role; an application rolls its own keys with the proof
 * alone; changing another application needs Application.ReadWrite.All, or Application.ReadWrite.OwnedBy as one of
 * its owners. Every request is recorded.
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
  const match = APPLICATION.exec(request.path);
  if (!match) {
    const segment = request.path.split("/").filter(Boolean).at(-1) ?? "";
    throw GraphError.segmentNotFound(segment);
  }
  const [, objectId, appId, action] = match;
  const operation = action?.toLowerCase() as "addkey" | "removekey" | undefined;
  const allowed = operation ? ["POST"] : ["GET", "PATCH"];
  if (!allowed.includes(request.method)) {
    throw GraphError.methodNotAllowed(request.method, request.path, allowed);
  }

  const app = objectId
    ? context.directory.findAppByObjectId(objectId)
    : findByAppId(context.directory, appId ?? "");
  // 404 before permissions: whether the application is the caller's own (or owned) decides what it may do with it.
  if (!app) throw GraphError.resourceNotFound(objectId ?? appId ?? "");

  if (request.method === "GET") {
    authorizeGraphCall(caller, app, "read");
    const select = parseSelect(request.query.get("$select"));
    return { status: 200, body: toGraphApplication(app, select, context.graphBaseUrl) };
  }
  authorizeGraphCall(caller, app, operation ? "roll-key" : "update");
  const input: GraphOperation = { context, app, body: parseJson(request.body), nowMs };
  if (operation === "addkey") return graphAddKey(input);
  if (operation === "removekey") return graphRemoveKey(input);
  return graphUpdateApplication(input);
}

/** Graph ids are GUIDs, compared without regard to case. */
function findByAppId(directory: Directory, appId: string): AppRegistration | undefined {
  return directory.getApp(appId) ?? directory.getApp(appId.toLowerCase());
}

function parseSelect(value: string | null): ApplicationProperty[] | null {
  if (value === null) return null;
  const names = value
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 0) return null;
  return names.map((name) => {
    // OData property names in $select match without regard to case in Graph.
    const property = APPLICATION_PROPERTIES.find((p) => p.toLowerCase() === name.toLowerCase());
    if (!property) throw GraphError.unknownProperty(name, APPLICATION_PROPERTIES);
    return property;
  });
}

function parseJson(text: string): unknown {
  if (!text.trim()) throw GraphError.unreadableJson();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw GraphError.unreadableJson();
  }
}
