import { M2mError, TransientError } from "../errors.js";
import { storageErrorCode } from "./storageErrorCode.js";
import { storageStatus } from "./storageStatus.js";

/** Where a storage call went and what it was for: named in the error message. */
export interface StateErrorContext {
  table: string;
  /** Safe to show: no key, no SAS. */
  endpoint: string;
  /** What the app was doing, as a gerund phrase: "recording run 42 of job 'report-sync'". */
  action: string;
}

const SETTINGS = "AzureWebJobsStorage / M2M_STORAGE_CONNECTION";
const CREDENTIAL_ERRORS = new Set([
  "CredentialUnavailableError",
  "AuthenticationError",
  "AggregateAuthenticationError",
]);

/**
 * Turns a failed Table Storage call into the app's error: what was attempted, against which table and account
 * endpoint, what came back, and what to check. Never names the account key or a SAS (the endpoint is passed in
 * already stripped; service messages do not carry them). The SDK error is kept as `cause`.
 *
 * - unreachable, timed out, throttled (408/429) or 5xx: TransientError STATE_UNAVAILABLE — retrying may help;
 * - 401/403 or no token for the managed identity: STATE_ACCESS_DENIED — fix the connection or the role assignment;
 * - any other answer: STATE_REJECTED (a request the service will never accept as sent).
 */
export function stateError(error: unknown, context: StateErrorContext): M2mError {
  if (error instanceof M2mError) return error;
  const where = `table '${context.table}' at ${context.endpoint}`;
  const status = storageStatus(error);
  const serviceCode = storageErrorCode(error);
  const answer = status === undefined ? "" : `HTTP ${status}${serviceCode ? ` ${serviceCode}` : ""}`;
  const name = error instanceof Error ? error.name : "";

  if (CREDENTIAL_ERRORS.has(name)) {
    return new M2mError(
      "STATE_ACCESS_DENIED",
      `Could not get a token for Table Storage (${where}) while ${context.action}: ${firstLine(error)}. ` +
        `With an identity-based connection (AzureWebJobsStorage__accountName / __tableServiceUri) the app needs a ` +
        `managed identity (AzureWebJobsStorage__clientId for a user-assigned one); or set ${SETTINGS} to a connection string.`,
      { cause: error },
    );
  }
  if (status === 401 || status === 403) {
    return new M2mError(
      "STATE_ACCESS_DENIED",
      `Table Storage refused access to ${where} while ${context.action} (${answer}). Check ${SETTINGS}: the ` +
        `account key or SAS must be current and the SAS must allow table access; with an identity-based connection ` +
        `the app's managed identity needs the 'Storage Table Data Contributor' role on the account.`,
      { cause: error },
    );
  }
  if (status === undefined && isNetworkFailure(error)) {
    return new TransientError(
      "STATE_UNAVAILABLE",
      `Table Storage is unreachable (${where}) while ${context.action}: ${firstLine(error)}. Check that ${SETTINGS} ` +
        `names a reachable storage account (locally: is Azurite running?); if it does, the outage may pass — retry later.`,
      { cause: error },
    );
  }
  if (status === 408 || status === 429 || (status !== undefined && status >= 500)) {
    return new TransientError(
      "STATE_UNAVAILABLE",
      `Table Storage answered ${answer} for ${where} while ${context.action}: the service is busy or failing; ` +
        `retry later. If it persists, check the storage account named by ${SETTINGS} in the Azure portal.`,
      { cause: error },
    );
  }
  return new M2mError(
    "STATE_REJECTED",
    `Table Storage rejected a request to ${where} while ${context.action}` +
      `${answer ? ` (${answer})` : ""}: ${serviceMessage(error) ?? firstLine(error)}. ` +
      `Check that ${SETTINGS} points at a general-purpose storage account and that the table was not deleted while the app ran.`,
    { cause: error },
  );
}

/** No HTTP answer: refused, reset, DNS failure, timeout, abort. */
function isNetworkFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === "RestError" || error.name === "AbortError" || error.name === "TimeoutError") return true;
  return typeof (error as { code?: unknown }).code === "string";
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = withoutFinalStop(message.split("\n", 1)[0] ?? "");
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/** The service's human message without its RequestId/Time lines. */
function serviceMessage(error: unknown): string | undefined {
  const body = (error as { response?: { parsedBody?: unknown } } | null)?.response?.parsedBody;
  if (typeof body !== "object" || body === null) return undefined;
  const odata = (body as { odataError?: { message?: { value?: unknown } } }).odataError?.message?.value;
  const xml = (body as { Message?: unknown }).Message;
  const text = typeof odata === "string" ? odata : typeof xml === "string" ? xml : undefined;
  return text === undefined ? undefined : withoutFinalStop(text.split("\n", 1)[0] ?? "");
}

/** Quoted messages go inside our sentences, which add their own full stop. */
function withoutFinalStop(text: string): string {
  return text.trim().replace(/\.+$/, "");
}
