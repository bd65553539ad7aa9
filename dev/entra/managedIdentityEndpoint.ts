import { randomUUID, timingSafeEqual } from "node:crypto";
import type { Directory, ManagedIdentity } from "./Directory.js";
import { EntraError } from "./EntraError.js";
import type { IdentityFault } from "./IdentityFault.js";
import { issueAccessToken } from "./issueAccessToken.js";
import type { SigningKeys } from "./SigningKeys.js";

export const APP_SERVICE_API_VERSION = "2019-08-01";

/** One request to the managed identity endpoint. */
export interface ManagedIdentityRequestRecord {
  at: Date;
  /** The identity the request resolved to (absent when it named none the stand-in knows). */
  clientId?: string;
  principalId?: string;
  resource: string;
  /** 0 for a fault that answers nothing (a hang, a reset). */
  status: number;
  outcome: "issued" | "rejected" | "fault";
  /** The scripted fault that answered it (or delayed it: latency), when one did. */
  fault?: IdentityFault["kind"];
}

/** App Service's success body (2019-08-01): `expires_on` is Unix seconds as a string. */
export interface ManagedIdentitySuccessBody {
  access_token: string;
  expires_on: string;
  resource: string;
  token_type: "Bearer";
  client_id: string;
}

/** App Service's error body. MSAL reads `message` as the error description. */
export interface ManagedIdentityErrorBody {
  statusCode: number;
  message: string;
  correlationId: string;
}

export interface ManagedIdentityContext {
  directory: Directory;
  signingKeys: SigningKeys;
  issuer: string;
  tenantId: string;
  /** The value App Service puts in IDENTITY_HEADER; requests must send it as X-IDENTITY-HEADER. */
  identityHeader: string;
  /** The identity a request that names none gets. */
  systemAssigned: ManagedIdentity;
  now: () => number;
  tokenLifetimeSeconds: number;
}

/**
 * App Service's local token endpoint (`GET $IDENTITY_ENDPOINT?api-version=2019-08-01&resource=...`, header
 * `X-IDENTITY-HEADER: $IDENTITY_HEADER`), what MSAL Node's AppService source and so @azure/identity's
 * ManagedIdentityCredential call. `client_id`, `principal_id` (or `object_id`, which MSAL sends) and `mi_res_id`
 * select a user-assigned identity. The token is signed by the stand-in's key: `aud` = resource, `oid`/`sub` =
 * principal id, `appid`/`azp` = the identity's client id, `xms_mirid` = its ARM resource id.
 *
 * Error statuses follow App Service (400 for a bad request or an unknown identity, 401 for a wrong header); the
 * messages are stand-in wording except "Unable to load the proper Managed Identity.".
 */
export function managedIdentityEndpoint(
  context: ManagedIdentityContext,
  request: { query: URLSearchParams; identityHeader: string | undefined },
): {
  status: number;
  body: ManagedIdentitySuccessBody | ManagedIdentityErrorBody;
  record: ManagedIdentityRequestRecord;
} {
  const { query } = request;
  const nowMs = context.now();
  const resource = query.get("resource") ?? "";
  const record: ManagedIdentityRequestRecord = {
    at: new Date(nowMs),
    resource,
    status: 200,
    outcome: "issued",
  };
  const fail = (status: number, message: string) => {
    record.status = status;
    record.outcome = "rejected";
    return { status, body: { statusCode: status, message, correlationId: randomUUID() }, record };
  };

  if (request.identityHeader === undefined) {
    return fail(400, "The X-IDENTITY-HEADER header is required.");
  }
  if (!sameText(request.identityHeader, context.identityHeader)) {
    return fail(401, "The X-IDENTITY-HEADER header value is not valid.");
  }
  const apiVersion = query.get("api-version");
  if (apiVersion !== APP_SERVICE_API_VERSION) {
    return fail(400, `api-version '${apiVersion ?? ""}' is not supported; use ${APP_SERVICE_API_VERSION}.`);
  }
  if (!resource) return fail(400, "The resource parameter is required.");

  const clientId = query.get("client_id") ?? undefined;
  const principalId = query.get("principal_id") ?? query.get("object_id") ?? undefined;
  const resourceId = query.get("mi_res_id") ?? undefined;
  const named = clientId !== undefined || principalId !== undefined || resourceId !== undefined;
  const identity = named
    ? context.directory.findManagedIdentity({
        ...(clientId !== undefined ? { clientId } : {}),
        ...(principalId !== undefined ? { principalId } : {}),
        ...(resourceId !== undefined ? { resourceId } : {}),
      })
    : context.systemAssigned;
  if (!identity) return fail(400, "Unable to load the proper Managed Identity.");
  record.clientId = identity.clientId;
  record.principalId = identity.principalId;

  const target = context.directory.findResource(resource);
  if (!target) return fail(400, EntraError.resourceNotFound(resource, context.tenantId).message);

  const issued = issueAccessToken({
    signingKeys: context.signingKeys,
    issuer: context.issuer,
    tenantId: context.tenantId,
    audience: target.appIdUri,
    subject: {
      clientId: identity.clientId,
      objectId: identity.principalId,
      acr: "2",
      managedIdentityResourceId: identity.resourceId,
    },
    roles: context.directory.rolesFor(identity.clientId, target.appId),
    groups: context.directory.groupsClaimFor(identity.principalId, target.appId),
    nowMs,
    lifetimeSeconds: context.tokenLifetimeSeconds,
  });
  return {
    status: 200,
    body: {
      access_token: issued.token,
      expires_on: String(issued.expiresOnSeconds),
      resource,
      token_type: "Bearer",
      client_id: identity.clientId,
    },
    record,
  };
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
