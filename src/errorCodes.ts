/**
 * Whether trying the same thing again later, unchanged, may succeed:
 * - `true`: the failure may pass on its own (network, throttling, a service failing or busy, no answer in time);
 * - `false`: something must change first (a setting, a permission, the certificate, the code);
 * - `"per-failure"`: the code covers both, and the failure itself decides (its HTTP status or network error, read by
 *   isRetryable / isTransientTokenFailure, and carried as TokenError.retryable).
 */
export type Retryable = boolean | "per-failure";

export interface ErrorCodeInfo {
  /** What happened, in one line. The error's own message says the details and the fix. */
  readonly meaning: string;
  readonly retryable: Retryable;
}

/**
 * Every code the app gives an error (M2mError and its subclasses) or a job run (RunResult.errorCode), with what it
 * means and whether a retry may help. M2mError (and every subclass) takes an ErrorCode, so the compiler refuses a
 * code that is not listed here; test/errorCodes.test.ts also checks run error codes and that every code here is
 * still given somewhere. Drift findings (DriftFinding.code) are not errors and are
 * not listed.
 */
export const ERROR_CODES = {
  // Settings
  CONFIGURATION_INVALID: {
    meaning: "App settings are missing or invalid (every problem is listed).",
    retryable: false,
  },

  // Invocation deadline
  TIMED_OUT: {
    meaning: "A system (the edge named) did not answer before the invocation's deadline.",
    retryable: true,
  },

  // The app's credential: certificates (Key Vault or file), client secret, federation
  CERTIFICATE_UNREADABLE: {
    meaning: "The certificate material cannot be parsed (not PEM/PKCS#12, truncated, or an unknown format).",
    retryable: false,
  },
  CERTIFICATE_PASSWORD_INVALID: {
    meaning: "The PFX or encrypted PEM key cannot be opened with the password given (or none was given).",
    retryable: false,
  },
  CERTIFICATE_NO_PRIVATE_KEY: { meaning: "The certificate material holds no private key.", retryable: false },
  CERTIFICATE_NO_CERTIFICATE: {
    meaning: "The material holds a key but no certificate for it.",
    retryable: false,
  },
  CERTIFICATE_KEY_MISMATCH: {
    meaning: "The private key does not belong to the certificate it came with.",
    retryable: false,
  },
  CERTIFICATE_KEY_NOT_RSA: {
    meaning: "The certificate's key is not RSA, which Entra ID requires.",
    retryable: false,
  },
  CERTIFICATE_KEY_TOO_SMALL: {
    meaning: "The certificate's RSA key is shorter than 2048 bits (checked locally, or AADSTS7000277).",
    retryable: false,
  },
  CERTIFICATE_EXPIRED: { meaning: "The app's certificate has expired.", retryable: false },
  CERTIFICATE_NOT_YET_VALID: { meaning: "The app's certificate is not valid yet.", retryable: false },
  CERTIFICATE_FILE_UNREADABLE: { meaning: "M2M_CERTIFICATE_PATH's file cannot be read.", retryable: false },
  CERTIFICATE_NOT_FOUND: {
    meaning: "The Key Vault certificate (or pinned version) does not exist.",
    retryable: false,
  },
  CERTIFICATE_DISABLED: {
    meaning: "The Key Vault certificate version in use is disabled.",
    retryable: false,
  },
  MANAGED_IDENTITY_UNAVAILABLE: {
    meaning: "No managed identity token for the federated client assertion.",
    retryable: false,
  },
  MANAGED_IDENTITY_ENDPOINT_UNAVAILABLE: {
    meaning: "The managed identity endpoint failed or throttled, still after @azure/identity's retries.",
    retryable: true,
  },
  MANAGED_IDENTITY_RESPONSE_INVALID: {
    meaning: "The managed identity endpoint answered without a usable token (not App Service's answer).",
    retryable: false,
  },

  // Key Vault
  KEYVAULT_AUTHENTICATION_FAILED: {
    meaning: "The app could not authenticate to Key Vault (no managed identity, or not signed in locally).",
    retryable: false,
  },
  KEYVAULT_FORBIDDEN: {
    meaning: "The app's identity lacks the Key Vault role or access policy needed.",
    retryable: false,
  },
  KEYVAULT_THROTTLED: {
    meaning: "Key Vault throttled the app, still after the SDK's retries.",
    retryable: true,
  },
  KEYVAULT_UNAVAILABLE: {
    meaning: "Key Vault answered 408 or 5xx, still after the SDK's retries.",
    retryable: true,
  },
  KEYVAULT_UNREACHABLE: {
    meaning: "Key Vault could not be reached (network, DNS, firewall).",
    retryable: true,
  },
  KEYVAULT_REJECTED: { meaning: "Key Vault refused the request with another status.", retryable: false },
  KEYVAULT_RESPONSE_INVALID: {
    meaning: "The answer was not Key Vault's (the SDK could not read it: a wrong URL or a proxy).",
    retryable: false,
  },
  KEYVAULT_ISSUER_FORBIDDEN: {
    meaning: "The app's identity may not read the certificate issuer its policy names.",
    retryable: false,
  },
  KEYVAULT_ISSUER_NOT_FOUND: {
    meaning: "The certificate policy names an issuer object the vault does not have.",
    retryable: false,
  },
  CERTIFICATE_TAG_FILTER_INVALID: {
    meaning: "The certificate tag filter is not 'name' or 'name=value'.",
    retryable: false,
  },

  // Token requests (Entra ID)
  TOKEN_ENDPOINT_UNREACHABLE: {
    meaning: "Entra ID's token endpoint could not be reached.",
    retryable: "per-failure",
  },
  TOKEN_ENDPOINT_TIMEOUT: {
    meaning: "Entra ID's token endpoint did not answer within the request's timeout.",
    retryable: true,
  },
  TOKEN_ENDPOINT_THROTTLED: { meaning: "Entra ID's token endpoint answered 429.", retryable: true },
  TOKEN_ENDPOINT_UNAVAILABLE: {
    meaning:
      "Entra ID failed transiently (5xx, temporarily_unavailable, an AADSTS code documented as transient).",
    retryable: true,
  },
  TOKEN_REQUEST_REJECTED: {
    meaning: "Entra ID refused the token request for a reason without its own code here.",
    retryable: "per-failure",
  },
  TOKEN_REQUEST_FAILED: { meaning: "MSAL could not make the token request at all.", retryable: false },
  TOKEN_RESPONSE_INVALID: {
    meaning: "The token endpoint answered neither a token nor an Entra ID error (a wrong host or a proxy).",
    retryable: "per-failure",
  },
  TOKEN_EMPTY: { meaning: "MSAL returned no access token.", retryable: false },
  CERTIFICATE_NOT_REGISTERED: {
    meaning: "AADSTS700027: the assertion was signed by a key the app registration does not have.",
    retryable: false,
  },
  ASSERTION_OUT_OF_TIME_RANGE: {
    meaning: "AADSTS700024: the client assertion is outside its validity (clock skew).",
    retryable: false,
  },
  CERTIFICATE_REVOKED: { meaning: "AADSTS7000214: the certificate has been revoked.", retryable: false },
  CERTIFICATE_EXPIRED_ON_REGISTRATION: {
    meaning: "AADSTS1000502: the certificate is outside its validity period.",
    retryable: false,
  },
  ASSERTION_SIGNATURE_INVALID: {
    meaning: "AADSTS7000274: the assertion's signature does not verify with the registered key.",
    retryable: false,
  },
  ASSERTION_ISSUER_MISMATCH: {
    meaning: "AADSTS700021: the assertion's issuer or subject is not the client id.",
    retryable: false,
  },
  CLIENT_SECRET_INVALID: {
    meaning: "AADSTS7000215: the client secret is wrong (often its ID instead of its Value).",
    retryable: false,
  },
  CLIENT_SECRET_EXPIRED: { meaning: "AADSTS7000222: the client secret has expired.", retryable: false },
  APPLICATION_NOT_FOUND: {
    meaning: "AADSTS700016: no application with the client id in the tenant.",
    retryable: false,
  },
  APPLICATION_DISABLED: { meaning: "AADSTS7000112: the application is disabled.", retryable: false },
  TENANT_NOT_FOUND: { meaning: "AADSTS90002/50034: the tenant does not exist.", retryable: false },
  RESOURCE_NOT_FOUND: {
    meaning: "AADSTS500011: the scope's resource is not known in the tenant.",
    retryable: false,
  },
  SCOPE_INVALID: {
    meaning: "AADSTS70011/1002012: the scope is not a valid <resource>/.default.",
    retryable: false,
  },
  FEDERATED_CREDENTIAL_NOT_FOUND: {
    meaning: "AADSTS70021: no federated credential matches the managed identity token.",
    retryable: false,
  },
  NO_SESSION: {
    meaning: "AADSTS50058: silent sign-in failed (not a client credentials flow).",
    retryable: false,
  },
  REQUEST_MALFORMED: { meaning: "AADSTS90014: the token request misses a required field.", retryable: false },
  TOKEN_EXPIRED: {
    meaning: "AADSTS700082: a refresh token expired (not a client credentials flow).",
    retryable: false,
  },
  TOKEN_REQUEST_LOOP: {
    meaning: "AADSTS50196: Entra ID saw the same token request too often (a client loop).",
    retryable: false,
  },
  TENANT_THROTTLED: {
    meaning: "AADSTS90055: Entra ID is throttling or blocking the tenant.",
    retryable: false,
  },

  // Microsoft Graph
  GRAPH_FORBIDDEN: {
    meaning: "Graph answered 403: the app lacks the application permission (or ownership) needed.",
    retryable: false,
  },
  GRAPH_NOT_FOUND: { meaning: "Graph answered 404: no such application (or key).", retryable: false },
  GRAPH_REJECTED: { meaning: "Graph refused the request with another 4xx status.", retryable: false },
  GRAPH_UNAVAILABLE: { meaning: "Graph answered 429 or 5xx, still after retries.", retryable: true },
  GRAPH_UNREACHABLE: { meaning: "Graph could not be reached.", retryable: true },
  GRAPH_TIMEOUT: { meaning: "Graph did not answer within the client's own timeout.", retryable: true },
  GRAPH_RESPONSE_INVALID: {
    meaning: "Graph's 2xx body was not JSON, or not the shape asked for.",
    retryable: false,
  },
  GRAPH_RESPONSE_TOO_LARGE: { meaning: "Graph's body was larger than the client reads.", retryable: false },

  // Renewal and rotation
  CERTIFICATE_NOT_MANAGED: {
    meaning: "Renewal was asked for a certificate the app does not manage.",
    retryable: false,
  },
  CERTIFICATE_VERSION_PINNED: {
    meaning: "M2M_KEYVAULT_CERTIFICATE_VERSION pins a version, so a renewed one would not be used.",
    retryable: false,
  },
  CERTIFICATE_VALIDITY_TOO_SHORT: {
    meaning:
      "The certificate's validity is not longer than M2M_CERT_RENEW_BEFORE_DAYS: it would renew forever.",
    retryable: false,
  },
  ROTATION_IN_PROGRESS: { meaning: "Another instance holds the rotation's lease.", retryable: true },
  ADD_KEY_IMPOSSIBLE: {
    meaning: "No valid registered certificate can sign addKey's proof: a person must upload the new one.",
    retryable: false,
  },

  // The app's storage (Table Storage): leases, run history, alert ledger, job checkpoints
  STATE_ACCESS_DENIED: {
    meaning: "Table Storage refused access (key, SAS or role), or no token for it could be had.",
    retryable: false,
  },
  STATE_UNAVAILABLE: {
    meaning: "Table Storage is unreachable, busy or failing (network, 408, 429, 5xx).",
    retryable: true,
  },
  STATE_REJECTED: { meaning: "Table Storage rejected a request for another reason.", retryable: false },
  STATE_CONTENDED: {
    meaning: "A row changed under every attempt to update it (other instances at once).",
    retryable: true,
  },
  STATE_CONNECTION_INVALID: {
    meaning: "The storage connection is not usable (an identity-based connection without an https endpoint).",
    retryable: false,
  },
  STATE_TABLE_NAME_INVALID: {
    meaning: "A table name is not valid for Table Storage (a bug).",
    retryable: false,
  },
  STATE_INVALID_KEY: {
    meaning: "A value cannot be a Table Storage key (a bug or a bad name).",
    retryable: false,
  },
  STATE_INVALID_RUN: { meaning: "A run to record has no valid start time (a bug).", retryable: false },
  LEASE_LOST: { meaning: "A lease the app held was taken over or expired while it worked.", retryable: true },
  LEASE_TTL_INVALID: { meaning: "A lease was asked for with a non-positive TTL (a bug).", retryable: false },
  CHECKPOINT_CONFLICT: {
    meaning:
      "Another run moved a job's checkpoint since this run read it: this run's checkpoint was not saved.",
    retryable: true,
  },
  CHECKPOINT_TOO_LARGE: { meaning: "A job's checkpoint is more than 32 KiB of JSON.", retryable: false },
  CHECKPOINT_INVALID: {
    meaning:
      "A job's checkpoint is not JSON data that reads back unchanged (undefined, NaN, a function, ...).",
    retryable: false,
  },
  CHECKPOINT_UNREADABLE: {
    meaning: "A stored checkpoint is not JSON (its row was damaged or edited by hand).",
    retryable: false,
  },

  // Alerts
  ALERT_CHANNEL_REJECTED: {
    meaning: "An alert channel answered, but not with success.",
    retryable: "per-failure",
  },
  ALERT_CHANNEL_UNREACHABLE: { meaning: "An alert channel could not be reached.", retryable: true },
  ALERT_CHANNEL_TIMEOUT: { meaning: "An alert channel did not answer within its timeout.", retryable: true },
  ALERT_CHANNEL_ABORTED: {
    meaning: "Sending an alert was cancelled by the caller (a deadline).",
    retryable: true,
  },
  ALERT_CHANNEL_NAME_INVALID: {
    meaning: "An alert channel's name cannot key its deliveries (a bug).",
    retryable: false,
  },
  ALERT_DELIVERY_UNREADABLE: {
    meaning: "A stored alert delivery cannot be read back; it is given up.",
    retryable: false,
  },
  ALERT_TRANSITION_INVALID: {
    meaning: "An alert state change was asked for inconsistently (a bug).",
    retryable: false,
  },

  // Jobs: requests to the job API
  JOB_NOT_FOUND: { meaning: "No job has that name.", retryable: false },
  JOB_DISABLED: { meaning: "The job is disabled.", retryable: false },

  // Jobs: a run's errorCode (RunResult)
  HTTP_STATUS: {
    meaning: "The API's last answer was an HTTP status the job does not count as success.",
    retryable: "per-failure",
  },
  TIMEOUT: { meaning: "The API gave no complete answer within the job's timeoutMs.", retryable: true },
  NETWORK: {
    meaning: "The API could not be reached (the network error is named).",
    retryable: "per-failure",
  },
  UNAUTHORIZED: { meaning: "The API answered 401, also to a fresh token.", retryable: false },
  FORBIDDEN: { meaning: "The API answered 403: the app lacks the app role.", retryable: false },
  TOKEN: {
    meaning: "The run could not get an access token (the token error is quoted).",
    retryable: "per-failure",
  },
  DEADLINE: {
    meaning: "The run's deadline left no time for the call, or for another attempt.",
    retryable: true,
  },
  REQUEST_INVALID: { meaning: "The job's request could not be sent as defined.", retryable: false },
  ABORTED: { meaning: "The run was cancelled (the host shutting down).", retryable: true },
  LEASE_HELD: { meaning: "Another run of the job holds its lease: this one was skipped.", retryable: true },
  LEASE_UNAVAILABLE: {
    meaning: "The job's lease could not be taken (storage failed): the API was not called.",
    retryable: true,
  },

  // Jobs as code: paging (src/jobs/code)
  PAGING_LINK_OFF_ORIGIN: {
    meaning: "A next page link points to another origin, where the job's bearer token must not go.",
    retryable: false,
  },
  PAGING_LINK_LOOP: {
    meaning: "A next page link is the page itself, or a page of the same list already read.",
    retryable: false,
  },
  PAGING_LINK_INVALID: { meaning: "A next page link is not a URL.", retryable: false },

  // Code jobs (src/jobs/code): what a job module's run fails with, besides its requests' codes and its own JobError codes
  JOB_FAILED: {
    meaning: "A job module's code threw an error that is not a JobError (its name and message are kept).",
    retryable: "per-failure",
  },
  JOB_INPUT_INVALID: {
    meaning: "A run's input was refused by the job's module (or the job takes none): the run did not start.",
    retryable: false,
  },
  RUN_ENDED: {
    meaning:
      "A job's code made a request or changed its checkpoint after its run ended (deadline or return).",
    retryable: false,
  },
  RESPONSE_TOO_LARGE: {
    meaning: "An answer to a job's request is larger than M2M_MAX_BODY_BYTES, so it was not read whole.",
    retryable: false,
  },
  RESPONSE_NOT_JSON: { meaning: "An answer a job read as JSON is not JSON.", retryable: false },
  RESPONSE_NOT_A_PAGE: {
    meaning:
      'An answer a job read as a page of a list is not a JSON array or an object with a "value" array.',
    retryable: false,
  },
  SETTING_NOT_DECLARED: {
    meaning: "A job's code read an app setting its module does not list in `settings`.",
    retryable: false,
  },

  // Access to the HTTP endpoints (src/auth)
  AUTH_CREDENTIAL_MISSING: {
    meaning: "The request carries no key and no signed-in principal (401).",
    retryable: false,
  },
  AUTH_KEY_INVALID: {
    meaning: "The key presented is not a key of this function app (401).",
    retryable: false,
  },
  AUTH_FORBIDDEN: {
    meaning: "The caller is known but lacks the app role or key level the endpoint needs (403).",
    retryable: false,
  },
  AUTH_KEY_CHECK_UNAVAILABLE: {
    meaning: "The app could not ask its Functions host what a presented key opens (503, fail closed).",
    retryable: true,
  },

  // The tenant CLI (m2m): bootstrapping a tenant as a signed-in person
  CLI_USAGE_INVALID: {
    meaning: "The m2m command line is not valid (unknown command or option, a missing or malformed value).",
    retryable: false,
  },
  CLI_OUTPUT_EXISTS: {
    meaning:
      "An output file of m2m cert create exists and is not a certificate it can report; --force replaces it.",
    retryable: false,
  },
  SIGN_IN_UNAVAILABLE: {
    meaning: "No token for the person running m2m (DefaultAzureCredential: az login, VS Code, environment).",
    retryable: false,
  },
  SERVICE_PRINCIPAL_NOT_FOUND: {
    meaning: "The tenant has no service principal for the application, API or managed identity named.",
    retryable: false,
  },
  APP_ROLE_NOT_ASSIGNED: {
    meaning:
      "AADSTS501051: the API requires an app role assignment and the app's service principal holds none of its roles.",
    retryable: false,
  },
  APP_ROLE_NOT_FOUND: {
    meaning: "The API defines no enabled app role for applications with the value asked for.",
    retryable: false,
  },
  CERTIFICATE_NOT_ISSUED: {
    meaning: "The Key Vault certificate has no issued version yet (its creation is pending or failed).",
    retryable: false,
  },

  // Diagnosis
  UNEXPECTED: {
    meaning: "A failure the app does not translate into one of its codes (a bug or an SDK error).",
    retryable: false,
  },
} as const satisfies Record<string, ErrorCodeInfo>;

/** A code from {@link ERROR_CODES}: the compiler catches a misspelt one. */
export type ErrorCode = keyof typeof ERROR_CODES;
