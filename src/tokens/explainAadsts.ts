import type { ErrorCode } from "../errorCodes.js";

/** What an AADSTS error most likely means for a client credentials app, and what to do. */
export interface AadstsExplanation {
  aadsts: number;
  /** Stable code for alerts and tests. */
  code: ErrorCode;
  cause: string;
  fix: string;
  /** Entra ID rejected the certificate: reloading it from the store and retrying once may help. */
  certificateProblem: boolean;
}

type Entry = Omit<AadstsExplanation, "aadsts">;

const cert = (code: ErrorCode, cause: string, fix: string): Entry => ({
  code,
  cause,
  fix,
  certificateProblem: true,
});
const plain = (code: ErrorCode, cause: string, fix: string): Entry => ({
  code,
  cause,
  fix,
  certificateProblem: false,
});
// Codes the error reference documents as transient (whether to retry is isTransientTokenFailure's call).
const passing = (cause: string): Entry =>
  plain(
    "TOKEN_ENDPOINT_UNAVAILABLE",
    cause,
    "nothing to change in the app: this passes on its own and the next run tries again; if it persists, check Azure Service Health for Microsoft Entra ID",
  );

const table: Record<number, Entry> = {
  700027: cert(
    "CERTIFICATE_NOT_REGISTERED",
    "the assertion was signed by a key Entra ID does not know (not uploaded, removed, or expired on the app registration)",
    "upload the certificate's public key to app registration {clientId} (Certificates & secrets), or let the app rotate it",
  ),
  700024: cert(
    "ASSERTION_OUT_OF_TIME_RANGE",
    "the client assertion is not within its valid time range",
    "check the clock of the machine running the app; MSAL builds assertions valid for 10 minutes",
  ),
  7000214: cert(
    "CERTIFICATE_REVOKED",
    "the certificate has been revoked",
    "issue a new certificate and register it on app registration {clientId}",
  ),
  1000502: cert(
    "CERTIFICATE_EXPIRED_ON_REGISTRATION",
    "the certificate is outside its validity period",
    "renew the certificate in Key Vault and register the new one on app registration {clientId}",
  ),
  7000274: cert(
    "ASSERTION_SIGNATURE_INVALID",
    "the client assertion's signature does not verify with the registered key",
    "check that the private key matches the certificate registered on app registration {clientId}",
  ),
  7000277: cert(
    "CERTIFICATE_KEY_TOO_SMALL",
    "the key used to sign the assertion is too small",
    "use an RSA key of 2048 bits or more",
  ),
  7000215: plain(
    "CLIENT_SECRET_INVALID",
    "the client secret is wrong — often the secret's ID was set instead of its Value",
    "set M2M_CLIENT_SECRET to the secret's Value (shown once, when it is created) or create a new secret",
  ),
  7000222: plain(
    "CLIENT_SECRET_EXPIRED",
    "the client secret has expired",
    "create a new client secret on app registration {clientId} and update M2M_CLIENT_SECRET — or switch to a Key Vault certificate the app rotates itself",
  ),
  700016: plain(
    "APPLICATION_NOT_FOUND",
    "no application with client id {clientId} exists in tenant {tenantId}",
    "check M2M_CLIENT_ID and M2M_TENANT_ID; a multi-tenant app must be consented in this tenant",
  ),
  90002: plain(
    "TENANT_NOT_FOUND",
    "tenant {tenantId} does not exist",
    "check M2M_TENANT_ID and M2M_AUTHORITY_HOST (sovereign clouds have their own hosts)",
  ),
  500011: plain(
    "RESOURCE_NOT_FOUND",
    "the resource in scope {scope} is not known in tenant {tenantId}",
    "check the scope's application ID URI, and that the API's service principal exists in this tenant (admin consent)",
  ),
  // Entra's error reference: "The application isn't assigned to a role for the application" — the API requires
  // assignment (appRoleAssignmentRequired) and the client's service principal holds none of its app roles.
  501051: plain(
    "APP_ROLE_NOT_ASSIGNED",
    "the API in scope {scope} requires an app role assignment, and app registration {clientId} holds none of its app roles",
    "assign one of the API's app roles to the app's service principal (API permissions → application permission → grant admin consent, or `m2m app grant`)",
  ),
  70011: plain(
    "SCOPE_INVALID",
    "the scope {scope} is not valid",
    "client credentials need exactly one scope of the form <resource>/.default",
  ),
  1002012: plain(
    "SCOPE_INVALID",
    "the scope {scope} is not valid",
    "client credentials need exactly one scope of the form <resource>/.default",
  ),
  700021: cert(
    "ASSERTION_ISSUER_MISMATCH",
    "the client assertion's issuer or subject is not the client id",
    "check M2M_CLIENT_ID: the assertion is built for it",
  ),
  70021: plain(
    "FEDERATED_CREDENTIAL_NOT_FOUND",
    "no federated identity credential on app registration {clientId} matches the managed identity token",
    "add a federated credential for the managed identity (issuer, subject = its object id, audience M2M_FEDERATION_AUDIENCE) to app registration {clientId}",
  ),
  7000112: plain(
    "APPLICATION_DISABLED",
    "application {clientId} is disabled",
    "enable the service principal in Enterprise applications",
  ),
  50034: plain("TENANT_NOT_FOUND", "the tenant or account does not exist", "check M2M_TENANT_ID"),
  50058: plain(
    "NO_SESSION",
    "silent sign-in failed",
    "client credentials should not hit this; check that the flow is client credentials",
  ),
  90014: plain(
    "REQUEST_MALFORMED",
    "a required field is missing from the request",
    "report a bug: the app built a token request Entra ID rejects",
  ),
  700082: plain("TOKEN_EXPIRED", "a refresh token expired", "not used by client credentials; check the flow"),
  // Transient and throttling codes, from https://learn.microsoft.com/entra/identity-platform/reference-error-codes
  50033: passing("Entra ID had a transient failure"),
  90006: passing("Entra ID's token service is temporarily unavailable"),
  90012: passing("Entra ID timed out handling the request"),
  90024: passing("Entra ID had a transient failure (request budget exceeded)"),
  90033: passing("Entra ID's directory service is temporarily unavailable"),
  90090: passing("Entra ID's directory (Graph) is temporarily unavailable"),
  501621: passing("a claims transformation of the token timed out in Entra ID"),
  50196: plain(
    "TOKEN_REQUEST_LOOP",
    "Entra ID saw the same token request too often in a short time (a client loop)",
    "look for a process that requests tokens for app registration {clientId} in a loop without caching them; this app caches each token until 5 minutes before it expires",
  ),
  90055: plain(
    "TENANT_THROTTLED",
    "Entra ID is throttling tenant {tenantId} (too many incoming requests)",
    "reduce the token requests of the apps in tenant {tenantId}; if the tenant is blocked, open a support request with Microsoft",
  ),
};

/** Reads the AADSTS number out of an Entra error message ("AADSTS700027: ..."). */
export function parseAadsts(message: string): number | undefined {
  const match = /AADSTS(\d+)/.exec(message);
  return match ? Number(match[1]) : undefined;
}

/** Explains an AADSTS code in the context of this app's settings; unknown codes get a generic explanation. */
export function explainAadsts(
  aadsts: number,
  context: { clientId: string; tenantId: string; scope: string },
): AadstsExplanation {
  const entry =
    table[aadsts] ??
    plain(
      "TOKEN_REQUEST_REJECTED",
      "Entra ID rejected the token request",
      `look up AADSTS${aadsts} in Microsoft Entra's error reference`,
    );
  const fill = (text: string) =>
    text
      .replaceAll("{clientId}", context.clientId)
      .replaceAll("{tenantId}", context.tenantId)
      .replaceAll("{scope}", context.scope);
  return { ...entry, aadsts, cause: fill(entry.cause), fix: fill(entry.fix) };
}
