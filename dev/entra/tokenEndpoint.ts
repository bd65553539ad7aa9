import { decodeJwt, type DecodedJwt } from "../jwt.js";
import { recordSecret } from "../secrets/recordSecret.js";
import type { Directory } from "./Directory.js";
import { EntraError, type EntraErrorBody } from "./EntraError.js";
import { issueAccessToken, type TokenSubject } from "./issueAccessToken.js";
import type { ReplayLedger } from "./ReplayLedger.js";
import type { SigningKeys } from "./SigningKeys.js";
import { presentedThumbprints, verifyClientAssertion } from "./verifyClientAssertion.js";
import { verifyFederatedAssertion } from "./verifyFederatedAssertion.js";

const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** One request to the token endpoint, as tests see it to assert what the client sent and how often. */
export interface TokenRequestRecord {
  at: Date;
  /** The tenant segment of the URL, as sent (an id or a domain). */
  tenant: string;
  clientId: string;
  /** How the client authenticated: "none" when it sent no credential. */
  grant: "client_secret" | "certificate" | "federated" | "none";
  /** Hex, upper case: the registered key's, or the header's when no key matched. */
  thumbprintSha256?: string;
  thumbprintSha1?: string;
  /** The client assertion's `alg`. */
  alg?: string;
  scope: string;
  /** "issued", the AADSTS number of the error, or "fault" when an injected fault answered instead. */
  outcome: "issued" | number | "fault";
  /** The injected fault that answered (see TokenFault), if one did. */
  fault?: string;
}

export interface TokenSuccessBody {
  token_type: "Bearer";
  expires_in: number;
  ext_expires_in: number;
  /**
   * Seconds after which the client should get a new token while this one is still valid (proactive refresh, an
   * ESTS resiliency feature MSAL honours for client credentials: AzureAD/microsoft-authentication-library-for-js#6085).
   */
  refresh_in?: number;
  access_token: string;
}

export interface TokenEndpointContext {
  authorityHost: string;
  tenantId: string;
  issuer: string;
  directory: Directory;
  signingKeys: SigningKeys;
  now: () => number;
  tokenLifetimeSeconds: number;
  /** Sent as `refresh_in` when set. */
  tokenRefreshInSeconds?: number;
  clockToleranceSeconds: number;
  replayLedger: ReplayLedger | null;
}

export interface TokenRequest {
  /** The tenant segment of the path. */
  tenant: string;
  form: URLSearchParams;
  /** The URL the request was sent to, without the query: an accepted client assertion audience. */
  url: string;
  /** `Authorization` header, for client_secret_basic. */
  authorization?: string;
  /** `client-request-id` header: Entra ID echoes it as the correlation id. */
  clientRequestId?: string;
}

/**
 * `POST /{tenant}/oauth2/v2.0/token` for the client credentials grant. Checks, in order: tenant, grant type,
 * client id, scope (exactly one `<resource>/.default`), application, client authentication (client secret,
 * certificate assertion or federated assertion), resource; then issues an app-only token with the app roles
 * assigned to the client for that resource (and the groups its service principal is in, when the resource's
 * groupMembershipClaims asks for them). Every request is recorded, with its outcome.
 */
export function tokenEndpoint(
  context: TokenEndpointContext,
  request: TokenRequest,
): { status: number; body: TokenSuccessBody | EntraErrorBody; record: TokenRequestRecord } {
  const { form } = request;
  const { clientId, scope, assertion, secret, grant } = credentialsOf(request);
  const nowMs = context.now();
  const record: TokenRequestRecord = {
    at: new Date(nowMs),
    tenant: request.tenant,
    clientId,
    grant,
    scope,
    outcome: "issued",
  };

  try {
    if (!context.directory.isThisTenant(request.tenant)) {
      throw EntraError.tenantNotFound(request.tenant, "invalid_request");
    }
    const grantType = form.get("grant_type");
    if (!grantType) throw EntraError.missingParameter("grant_type");
    if (grantType !== "client_credentials") throw EntraError.unsupportedGrantType(grantType);
    if (!clientId) throw EntraError.missingParameter("client_id");
    const resourceIdentifier = resourceOfScope(scope);
    const app = context.directory.getApp(clientId);
    if (!app) throw EntraError.applicationNotFound(clientId, context.tenantId);

    const objectId = app.servicePrincipalObjectId;
    const subject = authenticate(context, request, { clientId, objectId, assertion, secret, nowMs }, record);

    const resource = context.directory.findResource(resourceIdentifier);
    if (!resource) throw EntraError.resourceNotFound(resourceIdentifier, context.tenantId);
    const issued = issueAccessToken({
      signingKeys: context.signingKeys,
      issuer: context.issuer,
      tenantId: context.tenantId,
      audience: resource.appIdUri,
      subject,
      roles: context.directory.rolesFor(clientId, resource.appId),
      groups: context.directory.groupsClaimFor(objectId, resource.appId),
      nowMs,
      lifetimeSeconds: context.tokenLifetimeSeconds,
    });
    return {
      status: 200,
      body: {
        token_type: "Bearer",
        expires_in: context.tokenLifetimeSeconds,
        ext_expires_in: context.tokenLifetimeSeconds,
        ...(context.tokenRefreshInSeconds ? { refresh_in: context.tokenRefreshInSeconds } : {}),
        access_token: issued.token,
      },
      record,
    };
  } catch (error) {
    if (!(error instanceof EntraError)) throw error;
    record.outcome = error.aadsts;
    const body = error.toBody({
      now: new Date(nowMs),
      ...(request.clientRequestId ? { correlationId: request.clientRequestId } : {}),
    });
    return { status: error.status, body, record };
  }
}

/** The record of a request that an injected fault answered instead of the endpoint. */
export function faultedTokenRequestRecord(
  request: TokenRequest,
  at: Date,
  fault: string,
): TokenRequestRecord {
  const { clientId, scope, grant } = credentialsOf(request);
  return { at, tenant: request.tenant, clientId, grant, scope, outcome: "fault", fault };
}

/** Who the request says it is and how it authenticates (form fields, or client_secret_basic). */
function credentialsOf(request: TokenRequest) {
  const { form } = request;
  const basic = parseBasicAuthorization(request.authorization);
  const assertion = form.get("client_assertion");
  const secret = form.get("client_secret") ?? basic?.secret ?? null;
  const grant: TokenRequestRecord["grant"] = assertion
    ? "certificate"
    : secret !== null
      ? "client_secret"
      : "none";
  return {
    clientId: form.get("client_id") ?? basic?.clientId ?? "",
    scope: form.get("scope") ?? "",
    assertion,
    secret,
    grant,
  };
}

/** The resource of a client credentials scope: exactly one `<resource>/.default`. */
function resourceOfScope(scope: string): string {
  const scopes = scope.split(" ").filter(Boolean);
  const [only] = scopes;
  if (only === undefined) throw EntraError.missingScope();
  if (scopes.length > 1) throw EntraError.scopeInvalid(scope);
  if (!only.endsWith("/.default") || only === "/.default") throw EntraError.scopeNotDefault(only);
  return only.slice(0, -"/.default".length);
}

/** Authenticates the client and fills in the record; returns the token subject or throws an EntraError. */
function authenticate(
  context: TokenEndpointContext,
  request: TokenRequest,
  input: {
    clientId: string;
    objectId: string;
    assertion: string | null;
    secret: string | null;
    nowMs: number;
  },
  record: TokenRequestRecord,
): TokenSubject {
  const { clientId, objectId, nowMs } = input;
  const subjectWith = (acr: "1" | "2"): TokenSubject => ({ clientId, objectId, acr });

  if (input.assertion) {
    recordSecret("client-assertion", input.assertion);
    if (request.form.get("client_assertion_type") !== JWT_BEARER) {
      throw EntraError.missingParameter("client_assertion_type");
    }
    let decoded: DecodedJwt;
    try {
      decoded = decodeJwt(input.assertion);
    } catch {
      throw EntraError.malformedAssertion();
    }
    record.alg = decoded.header.alg;
    // A certificate assertion is issued by the client itself (iss = sub = client id). An issuer URL means a token of
    // another identity provider for a federated credential (whose header may carry x5t too: Entra ID's does). An
    // assertion with a thumbprint and another client's id as issuer is a certificate assertion for the wrong client.
    const thumbprints = presentedThumbprints(decoded.header);
    const issuer = typeof decoded.claims.iss === "string" ? decoded.claims.iss : "";
    const selfIssued =
      issuer === clientId || (Boolean(thumbprints.sha1 ?? thumbprints.sha256) && !issuer.includes("://"));
    if (!selfIssued) {
      record.grant = "federated";
      verifyFederatedAssertion(decoded, {
        clientId,
        directory: context.directory,
        issuer: context.issuer,
        signingKeys: context.signingKeys,
        nowMs,
        clockToleranceSeconds: context.clockToleranceSeconds,
      });
      return subjectWith("2");
    }
    record.grant = "certificate";
    if (thumbprints.sha256) record.thumbprintSha256 = thumbprints.sha256;
    if (thumbprints.sha1) record.thumbprintSha1 = thumbprints.sha1;
    const tokenEndpoint = `${context.authorityHost}/${context.tenantId}/oauth2/v2.0/token`;
    const registered = verifyClientAssertion(decoded, {
      clientId,
      directory: context.directory,
      audiences: [request.url, tokenEndpoint, `${context.authorityHost}/${context.tenantId}/oauth2/token`],
      nowMs,
      clockToleranceSeconds: context.clockToleranceSeconds,
      replayLedger: context.replayLedger,
    });
    record.thumbprintSha1 = registered.thumbprintSha1;
    record.thumbprintSha256 = registered.thumbprintSha256;
    return subjectWith("2");
  }

  if (input.secret !== null) {
    const check = context.directory.checkClientSecret(clientId, input.secret, nowMs);
    if (check === "expired") throw EntraError.expiredClientSecret(clientId);
    if (check === "invalid") throw EntraError.invalidClientSecret(clientId);
    return subjectWith("1");
  }
  throw EntraError.missingCredential();
}

function parseBasicAuthorization(header: string | undefined): { clientId: string; secret: string } | null {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? "");
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  // RFC 6749 2.3.1: both parts are form-urlencoded before they are joined.
  return {
    clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, " ")),
    secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, " ")),
  };
}
