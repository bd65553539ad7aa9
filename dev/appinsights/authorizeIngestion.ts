import type { BearerVerifier } from "../downstream/createBearerVerifier.js";

/** How the component takes telemetry: its local (instrumentation key) authentication and its Entra ID check. */
export interface IngestionAuthSettings {
  /** False is `DisableLocalAuth: true` (as infra/ deploys it): only Entra-authenticated telemetry is accepted. */
  localAuth: boolean;
  /** Checks bearer tokens for audience https://monitor.azure.com; null when the stand-in knows no Entra tenant. */
  verifier: BearerVerifier | null;
  /** Principal ids (`oid`), lower case, holding Monitoring Metrics Publisher on the component. */
  publishers: ReadonlySet<string>;
}

interface Caller {
  authorization: "none" | "invalid" | "valid";
  principalId: string | null;
  appId: string | null;
}

export type IngestionAccess =
  | ({ allowed: true } & Caller)
  | ({ allowed: false; status: 400 | 401 | 403; reason: string; detail: string } & Caller);

/**
 * The status lines of the ingestion endpoint's authentication answers, as Microsoft documents and its SDKs quote them
 * ("Troubleshoot Microsoft Entra authentication issues — Ingestion HTTP errors",
 * https://learn.microsoft.com/troubleshoot/azure/azure-monitor/app-insights/telemetry/investigate-missing-telemetry;
 * the .NET SDK's AuthenticationTransmissionPolicy, microsoft/ApplicationInsights-dotnet):
 * - 400: the component is Entra-only and the SDK posted to `v2/track`, which takes no token (`v2.1/track` does);
 * - 401: no token, or one the service does not accept (absent, invalid, expired);
 * - 403: a valid token for an identity without Monitoring Metrics Publisher on the component.
 * Microsoft documents the status lines, not the bodies: the stand-in answers these with the API's TrackResponse shape,
 * an error per item. The exporter treats 401 and 403 as retriable: it keeps the batch on disk (under the temporary
 * directory) and tries again later, logging nothing at error level, so the run it came from is not affected.
 */
export const INGESTION_REASONS = {
  v2WithEntra: "Incorrect API was used - v2 API does not support authentication",
  unauthorized: "Unauthorized - please provide the valid authorization token",
  forbidden:
    "Forbidden - provided credentials do not grant the access to ingest the telemetry into the component",
} as const;

/**
 * Decides whether a POST to `v2/track` or `v2.1/track` may ingest, from its Authorization header. A token that is
 * sent is always checked; a request without one is accepted only while local authentication is on.
 */
export async function authorizeIngestion(
  settings: IngestionAuthSettings,
  api: "v2" | "v2.1",
  authorization: string | undefined,
): Promise<IngestionAccess> {
  const anonymous: Caller = { authorization: "none", principalId: null, appId: null };
  if (api === "v2") {
    return settings.localAuth
      ? { allowed: true, ...anonymous }
      : {
          allowed: false,
          status: 400,
          reason: INGESTION_REASONS.v2WithEntra,
          detail:
            "Local authentication is disabled on this component: post to v2.1/track with a bearer token.",
          ...anonymous,
        };
  }
  const unauthorized = (detail: string, caller: Caller): IngestionAccess => ({
    allowed: false,
    status: 401,
    reason: INGESTION_REASONS.unauthorized,
    detail,
    ...caller,
  });
  if (!authorization?.trim()) {
    return settings.localAuth
      ? { allowed: true, ...anonymous }
      : unauthorized(
          "Local authentication is disabled on this component: send a Microsoft Entra token for " +
            "https://monitor.azure.com (APPLICATIONINSIGHTS_AUTHENTICATION_STRING names the identity).",
          anonymous,
        );
  }
  const invalid: Caller = { authorization: "invalid", principalId: null, appId: null };
  if (!settings.verifier) {
    return unauthorized(
      "This stand-in was started without an Entra ID tenant, so it cannot check tokens.",
      invalid,
    );
  }
  const check = await settings.verifier.verify(authorization);
  if (check.outcome !== "valid") return unauthorized(check.message, invalid);
  const principalId = typeof check.claims.oid === "string" ? check.claims.oid : null;
  const caller: Caller = { authorization: "valid", principalId, appId: check.appid };
  if (principalId === null || !settings.publishers.has(principalId.toLowerCase())) {
    return {
      allowed: false,
      status: 403,
      reason: INGESTION_REASONS.forbidden,
      detail:
        `The identity ${principalId ?? "(no oid claim)"} does not hold Monitoring Metrics Publisher on this ` +
        "Application Insights component.",
      ...caller,
    };
  }
  return { allowed: true, ...caller };
}
