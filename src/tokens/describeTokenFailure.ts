import { formatSeconds } from "../clock/formatSeconds.js";
import type { ErrorCode } from "../errorCodes.js";
import { AuthError, ServerError } from "@azure/msal-node";
import { TokenError } from "../errors.js";
import { explainAadsts, parseAadsts } from "./explainAadsts.js";
import { isTransientTokenFailure } from "./isTransientTokenFailure.js";
import { MAX_TOKEN_RESPONSE_BYTES } from "./fetchNetworkClient.js";
import { TokenEndpointFailure, type EndpointFailure } from "./TokenEndpointFailure.js";

/** One failed token request, described for the retry decision and for people. */
export interface TokenFailure {
  /** Stable code of the TokenError it becomes. */
  code: ErrorCode;
  /** What happened, a clause without the final period ("Entra ID's token endpoint answered HTTP 503 ..."). */
  cause: string;
  /** What to do, without the final period. */
  fix: string;
  aadsts?: number;
  /** Entra ID's own description, without its trace lines. */
  said?: string;
  /** May pass on its own: worth another attempt (see isTransientTokenFailure). */
  transient: boolean;
  /** The wait Entra ID asked for (Retry-After), or null. */
  retryAfterMs: number | null;
  /** Entra ID refused the certificate: reloading it may help. */
  certificateProblem: boolean;
  raw: unknown;
}

export interface TokenFailureContext {
  clientId: string;
  tenantId: string;
  scope: string;
  authorityHost: string;
}

/**
 * Describes what an MSAL token request threw: the network client's {@link TokenEndpointFailure} (no answer, or an
 * answer MSAL is not given), MSAL's ServerError for an Entra error body (AADSTS explained with its fix), or any other
 * MSAL error. Never formats a non-string as text: Entra-like bodies whose `error` is an object used to come out as
 * "[object Object]: ...".
 */
export function describeTokenFailure(error: unknown, context: TokenFailureContext): TokenFailure {
  if (error instanceof TokenEndpointFailure)
    return describeEndpointFailure(error.failure, error.url, error, context);
  if (error instanceof AuthError) {
    const errorCode = typeof error.errorCode === "string" ? error.errorCode : "";
    const message = typeof error.errorMessage === "string" ? error.errorMessage : error.message;
    const said = entraDescription(message);
    const aadsts = parseAadsts(said);
    const status = error instanceof ServerError && typeof error.status === "number" ? error.status : 400;
    if (aadsts !== undefined) {
      return explained(aadsts, status, { error: errorCode || null, said, raw: error }, context);
    }
    if (error instanceof ServerError) {
      return {
        ...permanent(error),
        code: "TOKEN_REQUEST_REJECTED",
        cause: `Entra ID refused the token request for ${context.scope}${errorCode ? ` (${errorCode})` : ""}`,
        fix: "Entra ID's description below names the cause; check the app registration and the M2M_ settings it points at",
        ...(said ? { said } : {}),
      };
    }
    return {
      ...permanent(error),
      code: "TOKEN_REQUEST_FAILED",
      // MSAL's default description only points at its error page, which the fix names anyway.
      cause: `MSAL could not make the token request for ${context.scope} (${[errorCode || "error", said.startsWith("See https://aka.ms/msal.js.errors") ? "" : said].filter(Boolean).join(": ")})`,
      fix: `Check the credential settings (M2M_CREDENTIAL_SOURCE and its certificate, secret or federation settings)${errorCode ? `; MSAL explains ${errorCode} at https://aka.ms/msal.js.errors#${errorCode}` : ""}`,
    };
  }
  const text = error instanceof Error ? error.message : String(error);
  return {
    ...permanent(error),
    code: "TOKEN_REQUEST_FAILED",
    cause: `The token request for ${context.scope} failed (${text})`,
    fix: "Report it as a bug if it repeats: the token path did not expect this failure",
  };
}

/** The TokenError for a failure; `qualifier` extends the cause ("(3 attempts)", "; it asked to wait ..."). */
export function tokenErrorOf(failure: TokenFailure, qualifier = ""): TokenError {
  const said = failure.said ? ` (Entra ID said: ${failure.said})` : "";
  const message =
    failure.aadsts === undefined
      ? `${failure.cause}${qualifier}. ${failure.fix}.${said}`
      : `AADSTS${failure.aadsts}: ${failure.cause}${qualifier}. Fix: ${failure.fix}.${said}`;
  return new TokenError(failure.code, message, {
    ...(failure.aadsts === undefined ? {} : { aadsts: failure.aadsts }),
    retryable: failure.transient,
    cause: failure.raw,
  });
}

function describeEndpointFailure(
  failure: EndpointFailure,
  url: string,
  raw: unknown,
  context: TokenFailureContext,
): TokenFailure {
  const host = new URL(context.authorityHost).host;
  const base = {
    transient: isTransientTokenFailure(failure, null),
    retryAfterMs: null,
    certificateProblem: false,
    raw,
  };
  if (failure.kind === "network") {
    return {
      ...base,
      code: "TOKEN_ENDPOINT_UNREACHABLE",
      cause: `Could not reach Entra ID's token endpoint at ${host} for ${context.scope} (${failure.summary})`,
      fix: `Check the app's outbound network access to ${host} and M2M_AUTHORITY_HOST; a connection reset now and then passes on its own and is retried`,
    };
  }
  if (failure.kind === "timeout") {
    return {
      ...base,
      code: "TOKEN_ENDPOINT_TIMEOUT",
      cause: `Entra ID's token endpoint at ${host} did not answer the token request for ${context.scope} within ${formatSeconds(failure.timeoutMs)}`,
      fix: `Check the app's outbound network access to ${host}; a slow answer now and then passes on its own and is retried`,
    };
  }
  const { status, entra } = failure;
  const retryAfterMs = failure.retryAfterMs;
  const said = entra?.description ? entraDescription(entra.description) : undefined;
  const [aadsts] = entra?.aadsts ?? [];
  if (entra && aadsts !== undefined) {
    return {
      ...explained(aadsts, status, { error: entra.error, said, raw }, context, entra.aadsts),
      retryAfterMs,
    };
  }
  const transient = isTransientTokenFailure(failure, entra);
  const answered = `HTTP ${status}${bodyWords(failure)}`;
  const request = failure.remembered
    ? `an earlier token request for ${context.scope} (this one was not sent: that answer's Retry-After has not passed)`
    : `the token request for ${context.scope}`;
  const shared = { transient, retryAfterMs, certificateProblem: false, raw, ...(said ? { said } : {}) };
  if (status === 429) {
    return {
      ...shared,
      code: "TOKEN_ENDPOINT_THROTTLED",
      cause: `Entra ID's token endpoint throttled ${request} with HTTP 429`,
      fix: `The next run tries again; if this repeats, look for other clients of app registration ${context.clientId} that ask for tokens without caching them (this app caches each token until 5 minutes before it expires)`,
    };
  }
  if (transient) {
    return {
      ...shared,
      code: "TOKEN_ENDPOINT_UNAVAILABLE",
      cause: `Entra ID's token endpoint answered ${answered} to ${request}`,
      fix: `This usually passes on its own and the next run tries again; if it persists, check Azure Service Health for Microsoft Entra ID, and that M2M_AUTHORITY_HOST (${host}) is Entra ID's host with no proxy answering in its place`,
    };
  }
  if (entra) {
    return {
      ...shared,
      code: "TOKEN_REQUEST_REJECTED",
      cause: `Entra ID refused the token request for ${context.scope} (HTTP ${status}, ${entra.error ?? "no error code"})`,
      fix: "Entra ID's description below names the cause; check the app registration and the M2M_ settings it points at",
    };
  }
  return {
    ...shared,
    code: "TOKEN_RESPONSE_INVALID",
    cause: `The token endpoint ${url} answered ${answered} instead of a token or an Entra ID error`,
    fix: `Check M2M_AUTHORITY_HOST (${host}) and M2M_TENANT_ID: the URL must be Entra ID's token endpoint, with no proxy answering in its place`,
  };
}

function explained(
  aadsts: number,
  status: number,
  entra: { error: string | null; said: string | undefined; raw: unknown },
  context: TokenFailureContext,
  codes: readonly number[] = [aadsts],
): TokenFailure {
  const explanation = explainAadsts(aadsts, context);
  const transient = isTransientTokenFailure(
    { kind: "status", status },
    { error: entra.error, aadsts: codes },
  );
  return {
    code: explanation.code,
    // The status says little for a 400/401 refusal; for anything else (a 503) it is part of what happened.
    cause: status === 400 || status === 401 ? explanation.cause : `${explanation.cause} (HTTP ${status})`,
    fix: explanation.fix,
    aadsts,
    ...(entra.said ? { said: entra.said } : {}),
    transient,
    retryAfterMs: null,
    certificateProblem: explanation.certificateProblem,
    raw: entra.raw,
  };
}

function permanent(raw: unknown) {
  return { transient: false, retryAfterMs: null, certificateProblem: false, raw };
}

/** What the body of a failed answer was, in words: " (temporarily_unavailable)", " with a body that is not JSON". */
function bodyWords(failure: Extract<EndpointFailure, { kind: "status" }>): string {
  if (failure.entra?.error) return ` (${failure.entra.error})`;
  switch (failure.bodyProblem) {
    case "not-json":
      return ` with a body that is not JSON${failure.contentType ? ` (${failure.contentType})` : ""}`;
    case "not-entra":
      return " with a JSON body that is not an Entra ID error";
    case "too-large":
      return ` with a body over ${MAX_TOKEN_RESPONSE_BYTES / 1_048_576} MiB`;
    default:
      return "";
  }
}

/**
 * Entra's description without what changes on every call: MSAL wraps it as "Error(s): ... - Description: <it> -
 * Correlation ID: ...", and Entra ends it with "Trace ID: ... Correlation ID: ... Timestamp: ...".
 */
function entraDescription(message: string): string {
  const wrapped = /Description: ([\s\S]*?)(?: - Correlation ID:|$)/.exec(message);
  const description = wrapped ? wrapped[1]! : message;
  return description.split(/\s*Trace ID:/)[0]!.trim();
}
