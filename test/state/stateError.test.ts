import { describe, expect, it } from "vitest";
import { M2mError, TransientError } from "../../src/errors.js";
import { stateError } from "../../src/state/stateError.js";

const context = {
  table: "m2mLeases",
  endpoint: "https://acct.table.core.windows.net",
  action: "acquiring lease 'job-x'",
};

/** An error shaped like the Table Storage SDK's RestError. */
function restError(statusCode: number | undefined, extra: Record<string, unknown> = {}, message = "failed") {
  return Object.assign(new Error(message), { name: "RestError", statusCode, ...extra });
}

const odataBody = (code: string, value: string) => ({
  response: { parsedBody: { odataError: { code, message: { lang: "en-US", value } } } },
});

describe("stateError", () => {
  it.each([
    {
      case: "a refused connection",
      error: restError(undefined, { code: "ECONNREFUSED" }, "connect ECONNREFUSED 10.0.0.1:443"),
      reason: "connect ECONNREFUSED 10.0.0.1:443",
    },
    {
      case: "an unknown host",
      error: Object.assign(new Error("getaddrinfo ENOTFOUND acct.table.core.windows.net"), {
        code: "ENOTFOUND",
      }),
      reason: "getaddrinfo ENOTFOUND acct.table.core.windows.net",
    },
    {
      case: "a timeout",
      error: Object.assign(new Error("The operation was aborted."), { name: "AbortError" }),
      reason: "The operation was aborted",
    },
  ])("$case is transient: STATE_UNAVAILABLE", ({ error, reason }) => {
    const mapped = stateError(error, context);
    expect(mapped).toBeInstanceOf(TransientError);
    expect(mapped.code).toBe("STATE_UNAVAILABLE");
    expect(mapped.cause).toBe(error);
    expect(mapped.message).toBe(
      `Table Storage is unreachable (table 'm2mLeases' at https://acct.table.core.windows.net) while acquiring lease 'job-x': ` +
        `${reason}. Check that AzureWebJobsStorage / M2M_STORAGE_CONNECTION names a reachable storage account ` +
        `(locally: is Azurite running?); if it does, the outage may pass — retry later.`,
    );
  });

  it.each([408, 429, 500, 503])("HTTP %i is transient: STATE_UNAVAILABLE", (status) => {
    const mapped = stateError(restError(status, odataBody("ServerBusy", "The server is busy.")), context);
    expect(mapped).toBeInstanceOf(TransientError);
    expect(mapped.code).toBe("STATE_UNAVAILABLE");
    expect(mapped.message).toBe(
      `Table Storage answered HTTP ${status} ServerBusy for table 'm2mLeases' at https://acct.table.core.windows.net ` +
        `while acquiring lease 'job-x': the service is busy or failing; retry later. If it persists, check the storage ` +
        `account named by AzureWebJobsStorage / M2M_STORAGE_CONNECTION in the Azure portal.`,
    );
  });

  it.each([401, 403])("HTTP %i is STATE_ACCESS_DENIED with what to check", (status) => {
    const mapped = stateError(
      restError(status, { response: { parsedBody: { Code: "AuthorizationPermissionMismatch" } } }),
      context,
    );
    expect(mapped).not.toBeInstanceOf(TransientError);
    expect(mapped.code).toBe("STATE_ACCESS_DENIED");
    expect(mapped.message).toBe(
      `Table Storage refused access to table 'm2mLeases' at https://acct.table.core.windows.net while acquiring ` +
        `lease 'job-x' (HTTP ${status} AuthorizationPermissionMismatch). Check AzureWebJobsStorage / ` +
        `M2M_STORAGE_CONNECTION: the account key or SAS must be current and the SAS must allow table access; with ` +
        `an identity-based connection the app's managed identity needs the 'Storage Table Data Contributor' role on the account.`,
    );
  });

  it("a managed identity without a token is STATE_ACCESS_DENIED", () => {
    const error = Object.assign(
      new Error("ManagedIdentityCredential: no managed identity endpoint found.\nMore text"),
      {
        name: "CredentialUnavailableError",
      },
    );
    const mapped = stateError(error, context);
    expect(mapped.code).toBe("STATE_ACCESS_DENIED");
    expect(mapped.message).toBe(
      `Could not get a token for Table Storage (table 'm2mLeases' at https://acct.table.core.windows.net) while ` +
        `acquiring lease 'job-x': ManagedIdentityCredential: no managed identity endpoint found. With an ` +
        `identity-based connection (AzureWebJobsStorage__accountName / __tableServiceUri) the app needs a managed ` +
        `identity (AzureWebJobsStorage__clientId for a user-assigned one); or set AzureWebJobsStorage / ` +
        `M2M_STORAGE_CONNECTION to a connection string.`,
    );
  });

  it("any other answer is STATE_REJECTED with the service's own words", () => {
    const mapped = stateError(
      restError(
        400,
        odataBody(
          "PropertyValueTooLarge",
          "The property value exceeds the maximum allowed size (64KB).\nRequestId:1",
        ),
      ),
      context,
    );
    expect(mapped).not.toBeInstanceOf(TransientError);
    expect(mapped.code).toBe("STATE_REJECTED");
    expect(mapped.message).toBe(
      `Table Storage rejected a request to table 'm2mLeases' at https://acct.table.core.windows.net while acquiring ` +
        `lease 'job-x' (HTTP 400 PropertyValueTooLarge): The property value exceeds the maximum allowed size (64KB). ` +
        `Check that AzureWebJobsStorage / M2M_STORAGE_CONNECTION points at a general-purpose storage account and ` +
        `that the table was not deleted while the app ran.`,
    );
  });

  it("passes the app's own errors through", () => {
    const own = new M2mError("STATE_INVALID_KEY", "bad key");
    expect(stateError(own, context)).toBe(own);
  });
});
