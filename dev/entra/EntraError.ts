import { randomUUID } from "node:crypto";

/** The OAuth `error` values Entra ID uses for the token endpoint and the discovery document. */
export type EntraErrorCategory =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "invalid_scope"
  | "invalid_resource"
  | "invalid_tenant"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "temporarily_unavailable";

/** The JSON body Entra ID answers a failed token or discovery request with. */
export interface EntraErrorBody {
  error: EntraErrorCategory;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
}

/**
 * An AADSTS error of the Entra ID stand-in. The static factories carry the service's wording where it was found in
 * public error reports; the few that could not be confirmed say so.
 */
export class EntraError extends Error {
  override name = "EntraError";

  constructor(
    /** The AADSTS number, e.g. 700027. */
    readonly aadsts: number,
    readonly category: EntraErrorCategory,
    /** The text after "AADSTS<code>: ", without the trace lines. */
    readonly description: string,
  ) {
    super(`AADSTS${aadsts}: ${description}`);
  }

  /**
   * Entra ID answers 401 for failed client authentication, 503 when it is temporarily unavailable and 400 for
   * everything else.
   */
  get status(): number {
    if (this.category === "temporarily_unavailable") return 503;
    return this.category === "invalid_client" ? 401 : 400;
  }

  /**
   * The body as the service sends it. The correlation id echoes the client's `client-request-id` when given;
   * `error_uri` points at Entra ID's own error lookup page, which explains the code.
   */
  toBody(options: { now: Date; correlationId?: string }): EntraErrorBody {
    const timestamp = formatEntraTimestamp(options.now);
    const traceId = randomUUID();
    const correlationId = options.correlationId ?? randomUUID();
    return {
      error: this.category,
      error_description: `${this.message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [this.aadsts],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${this.aadsts}`,
    };
  }

  // Factories. Wording from Entra ID responses quoted in public issue threads and the AADSTS reference
  // (learn.microsoft.com/entra/identity-platform/reference-error-codes); "stand-in wording" where not confirmed.

  /** Unknown tenant on the token endpoint (`invalid_request`) or the discovery document (`invalid_tenant`). */
  static tenantNotFound(tenant: string, category: "invalid_request" | "invalid_tenant"): EntraError {
    return new EntraError(
      90002,
      category,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    );
  }

  /** Stand-in wording: the code and category are the service's, the sentence is not confirmed. */
  static unsupportedGrantType(grantType: string): EntraError {
    return new EntraError(
      70003,
      "unsupported_grant_type",
      `The app requested an unsupported grant type '${grantType}'.`,
    );
  }

  static missingParameter(name: string): EntraError {
    return new EntraError(
      900144,
      "invalid_request",
      `The request body must contain the following parameter: '${name}'.`,
    );
  }

  static missingCredential(): EntraError {
    return new EntraError(
      7000218,
      "invalid_client",
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }

  static missingScope(): EntraError {
    return new EntraError(
      90014,
      "invalid_request",
      "The required field 'scope' is missing from the credential. Ensure that you have all the necessary parameters for the login request.",
    );
  }

  /** A single scope that is not `<resource>/.default`. */
  static scopeNotDefault(scope: string): EntraError {
    return new EntraError(
      1002012,
      "invalid_scope",
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }

  /** More than one scope in a client credentials request. */
  static scopeInvalid(scope: string): EntraError {
    return new EntraError(
      70011,
      "invalid_scope",
      `The provided value for the input parameter 'scope' isn't valid. The scope ${scope} isn't valid.`,
    );
  }

  static applicationNotFound(clientId: string, tenant: string): EntraError {
    return new EntraError(
      700016,
      "unauthorized_client",
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }

  static resourceNotFound(resource: string, tenant: string): EntraError {
    return new EntraError(
      500011,
      "invalid_resource",
      `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    );
  }

  static invalidClientSecret(clientId: string): EntraError {
    return new EntraError(
      7000215,
      "invalid_client",
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    );
  }

  static expiredClientSecret(clientId: string): EntraError {
    return new EntraError(
      7000222,
      "invalid_client",
      `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
    );
  }

  /** Stand-in wording for a client assertion that is not a compact JWS. */
  static malformedAssertion(): EntraError {
    return new EntraError(50027, "invalid_client", "JWT token is invalid or malformed.");
  }

  static assertionWithoutThumbprint(): EntraError {
    return new EntraError(
      50027,
      "invalid_client",
      "Invalid JWT token. No certificate thumbprint specified in token header.",
    );
  }

  /** `iss` (equal to `sub`) is not the request's client_id. */
  static assertionClientMismatch(): EntraError {
    return new EntraError(
      700021,
      "invalid_client",
      `Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at ${CERTIFICATE_CREDENTIALS_DOC} .`,
    );
  }

  /** `sub` differs from `iss`. */
  static assertionSubjectMismatch(): EntraError {
    return new EntraError(
      50048,
      "invalid_client",
      "Subject mismatches Issuer claim in the client assertion.",
    );
  }

  static assertionAudienceMismatch(): EntraError {
    return new EntraError(
      700023,
      "invalid_client",
      `Client assertion audience claim does not match Realm issuer. Review the documentation at ${CERTIFICATE_CREDENTIALS_DOC} .`,
    );
  }

  static assertionOutOfTimeRange(now: Date, validFromSeconds: number, expiresSeconds: number): EntraError {
    return new EntraError(
      700024,
      "invalid_client",
      `Client assertion is not within its valid time range. Current time: ${dotNetIso(now)}, assertion valid from ${dotNetIso(new Date(validFromSeconds * 1000))}, expiry time of assertion ${dotNetIso(new Date(expiresSeconds * 1000))}. Review the documentation at ${CERTIFICATE_CREDENTIALS_DOC} .`,
    );
  }

  /** The thumbprint in the assertion's header names no key credential of the application. */
  static keyNotFound(thumbprint: string, clientId: string): EntraError {
    return new EntraError(
      700027,
      "invalid_client",
      `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}', ${seeConfiguredKeys(clientId)}]`,
    );
  }

  /** The key credential exists but its endDateTime has passed (or its startDateTime has not come). */
  static keyOutsideValidity(
    thumbprint: string,
    key: { startDateTime: string; endDateTime: string },
    clientId: string,
    expired: boolean,
  ): EntraError {
    const reason = expired ? "The key used is expired." : "The key used is not yet valid."; // the latter: stand-in wording
    return new EntraError(
      700027,
      "invalid_client",
      `Client assertion contains an invalid signature. [Reason - ${reason}, Thumbprint of key used by client: '${thumbprint}', ${foundKey(key)}, ${seeConfiguredKeys(clientId)}]`,
    );
  }

  static signatureInvalid(
    thumbprint: string,
    key: { startDateTime: string; endDateTime: string },
    clientId: string,
  ): EntraError {
    return new EntraError(
      700027,
      "invalid_client",
      `Client assertion failed signature validation. [Reason - Key was found, but use of the key to verify the signature failed., Thumbprint of key used by client: '${thumbprint}', ${foundKey(key)}, ${seeConfiguredKeys(clientId)}]`,
    );
  }

  /**
   * Stand-in only, and off unless `rejectReplayedAssertions` is set: Entra ID accepts a client assertion more than
   * once (every MSAL reuses its signed assertion until it expires), so no service code exists. 50013 is the
   * reference's catch-all for an invalid assertion.
   */
  static assertionReplayed(jti: string): EntraError {
    return new EntraError(
      50013,
      "invalid_client",
      `Assertion failed validation. [Reason - The assertion with jti '${jti}' has already been used. (stand-in check)]`,
    );
  }

  static noMatchingFederatedCredential(issuer: string, subject: string, audience: string): EntraError {
    return new EntraError(
      70021,
      "invalid_request",
      `No matching federated identity record found for presented assertion. Assertion Issuer: '${issuer}'. Assertion Subject: '${subject}'. Assertion Audience: '${audience}'. https://docs.microsoft.com/en-us/azure/active-directory/develop/workload-identity-federation`,
    );
  }

  /** A federated assertion whose signature does not verify. The reason text is stand-in wording. */
  static federatedSignatureInvalid(reason: string): EntraError {
    return new EntraError(
      900384,
      "invalid_request",
      `JWT token failed signature validation. [Reason - ${reason}]`,
    );
  }

  /**
   * The service's answer when it is briefly unavailable: 503 `temporarily_unavailable` (the reference's table of
   * `error` values says "Retry the request"). Wording and code from a real response quoted in
   * Azure/azure-sdk-for-python#14241: `"AADSTS90033: A transient error has occurred. Please try again."`.
   */
  static temporarilyUnavailable(): EntraError {
    return new EntraError(
      90033,
      "temporarily_unavailable",
      "A transient error has occurred. Please try again.",
    );
  }

  static methodNotAllowed(method: string): EntraError {
    return new EntraError(
      900561,
      "invalid_request",
      `The endpoint only accepts POST, OPTIONS requests. Received a ${method} request.`,
    );
  }
}

const CERTIFICATE_CREDENTIALS_DOC =
  "https://docs.microsoft.com/azure/active-directory/develop/active-directory-certificate-credentials";

function seeConfiguredKeys(clientId: string): string {
  return `Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${clientId}'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments to determine the corresponding service endpoint and https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http to build a query request URL, such as 'https://graph.microsoft.com/beta/applications/${clientId}'`;
}

function foundKey(key: { startDateTime: string; endDateTime: string }): string {
  return `Found key 'Start=${usDateTime(key.startDateTime)}, End=${usDateTime(key.endDateTime)}'`;
}

/** "02/07/2021 17:00:39", as the service prints key dates (UTC). */
function usDateTime(iso: string): string {
  const d = new Date(iso);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())}/${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

/** "2024-10-02T22:05:03.6750000Z": .NET's round-trip format, seven fractional digits. */
function dotNetIso(date: Date): string {
  return date.toISOString().replace(/Z$/, "0000Z");
}

/** "2024-07-15 11:14:02Z", the form of Entra ID's `timestamp` field. */
export function formatEntraTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")}Z`;
}
