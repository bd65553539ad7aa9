import { describe, expect, it } from "vitest";
import { managedIdentityError } from "../../src/credentials/managedIdentityError.js";
import { TimedOutError, TransientError } from "../../src/errors.js";

const SCOPE = "https://vault.azure.net/.default";

/** What @azure/identity throws: a CredentialUnavailableError whose cause is MSAL's error. */
const unavailable = (message: string, cause?: Record<string, unknown>) =>
  Object.assign(new Error(message, cause ? { cause } : undefined), { name: "CredentialUnavailableError" });

describe("managedIdentityError", () => {
  it("returns an error already explained as it is", () => {
    const timedOut = new TimedOutError("the managed identity endpoint", 2_000);
    expect(managedIdentityError(timedOut, SCOPE)).toBe(timedOut);
  });

  it.each([408, 429, 500, 503, 599])(
    "says HTTP %s after the retries is the endpoint's, transient",
    (status) => {
      const error = unavailable("ManagedIdentityCredential: Authentication failed. Message : busy", {
        status,
        errorCode: "",
      });
      const mapped = managedIdentityError(error, SCOPE);
      expect(mapped).toBeInstanceOf(TransientError);
      expect(mapped).toMatchObject({
        code: "MANAGED_IDENTITY_ENDPOINT_UNAVAILABLE",
        cause: error,
        message: `The managed identity endpoint answered HTTP ${status} to the token request for ${SCOPE}, still after @azure/identity's retries. This usually passes on its own and the next run tries again; if it persists, check Azure Service Health for App Service. (ManagedIdentityCredential: Authentication failed. Message : busy)`,
      });
    },
  );

  it("says MSAL's network_error (no answer, or one that is not JSON) is the endpoint's, transient", () => {
    const error = unavailable("ManagedIdentityCredential: Network unreachable.", {
      errorCode: "network_error",
    });
    const mapped = managedIdentityError(error, SCOPE);
    expect(mapped).toBeInstanceOf(TransientError);
    expect(mapped).toMatchObject({
      code: "MANAGED_IDENTITY_ENDPOINT_UNAVAILABLE",
      message: `The managed identity endpoint did not answer the token request for ${SCOPE} with a token: the connection failed, or the answer was not JSON (MSAL: network_error), still after @azure/identity's retries. This usually passes on its own and the next run tries again; if it persists, check Azure Service Health for App Service.`,
    });
  });

  it.each([200, 203, 299])(
    "says MSAL Node 7's unknown_error for an HTTP %s answer that is not JSON is the endpoint's, transient",
    (status) => {
      const error = unavailable(
        "ManagedIdentityCredential: Authentication failed. Message unknown_error: …",
        {
          status,
          errorCode: "unknown_error",
        },
      );
      const mapped = managedIdentityError(error, SCOPE);
      expect(mapped).toBeInstanceOf(TransientError);
      expect(mapped).toMatchObject({
        code: "MANAGED_IDENTITY_ENDPOINT_UNAVAILABLE",
        cause: error,
        message: `The managed identity endpoint did not answer the token request for ${SCOPE} with a token: the connection failed, or the answer was not JSON (MSAL: unknown_error), still after @azure/identity's retries. This usually passes on its own and the next run tries again; if it persists, check Azure Service Health for App Service.`,
      });
    },
  );

  it("says a 200 without a token is not the identity endpoint's answer", () => {
    const error = Object.assign(new Error('Response had no "expiresOn" property.'), {
      name: "AuthenticationRequiredError",
    });
    const mapped = managedIdentityError(error, SCOPE);
    expect(mapped).not.toBeInstanceOf(TransientError);
    expect(mapped).toMatchObject({
      code: "MANAGED_IDENTITY_RESPONSE_INVALID",
      message: `The managed identity endpoint answered the token request for ${SCOPE} without a usable token (Response had no "expiresOn" property.). That is not what the App Service identity endpoint sends: check that IDENTITY_ENDPOINT is the one the platform set, with no proxy answering in its place.`,
    });
  });

  it.each([
    ["a 400 (no such identity)", unavailable("Unable to load the proper Managed Identity.", { status: 400 })],
    ["a 404", unavailable("not found", { status: 404 })],
    ["a 407", unavailable("proxy", { status: 407 })],
    ["a status that is not a number", unavailable("odd", { status: "503" })],
    ["no cause", unavailable("no identity endpoint")],
    ["a cause that is not an object", Object.assign(new Error("x", { cause: "503" }), { name: "X" })],
    ["a null cause", Object.assign(new Error("x", { cause: null }), { name: "X" })],
    ["another error code", unavailable("x", { errorCode: "invalid_request" })],
    ["unknown_error with a 400", unavailable("x", { errorCode: "unknown_error", status: 400 })],
    ["unknown_error with a 199", unavailable("x", { errorCode: "unknown_error", status: 199 })],
    ["unknown_error with a 300", unavailable("x", { errorCode: "unknown_error", status: 300 })],
    ["unknown_error without a status", unavailable("x", { errorCode: "unknown_error" })],
    [
      "unknown_error with a status that is not a number",
      unavailable("x", { errorCode: "unknown_error", status: "200" }),
    ],
    ["another error code with a 200", unavailable("x", { errorCode: "invalid_request", status: 200 })],
  ])(
    "keeps the credential's own error for %s: its caller says how to enable the identity",
    (_what, error) => {
      expect(managedIdentityError(error, SCOPE)).toBeNull();
    },
  );

  it("keeps what is not an Error, even shaped like one", () => {
    expect(managedIdentityError("boom", SCOPE)).toBeNull();
    expect(managedIdentityError({ message: "x", cause: { status: 503 } }, SCOPE)).toBeNull();
  });
});
