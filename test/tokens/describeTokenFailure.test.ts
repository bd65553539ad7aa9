import { ClientConfigurationError, ServerError } from "@azure/msal-node";
import { describe, expect, it } from "vitest";
import { describeTokenFailure, tokenErrorOf } from "../../src/tokens/describeTokenFailure.js";
import { TokenEndpointFailure, type EndpointFailure } from "../../src/tokens/TokenEndpointFailure.js";

const context = {
  clientId: "app-id",
  tenantId: "tenant-id",
  scope: "api://x/.default",
  authorityHost: "https://login.example:8443",
};
const URL_ = "https://login.example:8443/tenant-id/oauth2/v2.0/token";
const endpoint = (failure: EndpointFailure) => new TokenEndpointFailure(failure, URL_);
const status = (
  s: number,
  changes: Partial<Extract<EndpointFailure, { kind: "status" }>> = {},
): EndpointFailure => ({
  kind: "status",
  status: s,
  retryAfterMs: null,
  remembered: false,
  contentType: "text/html",
  entra: null,
  bodyProblem: "not-json",
  ...changes,
});
const message = (error: unknown) => tokenErrorOf(describeTokenFailure(error, context)).message;

describe("describeTokenFailure", () => {
  it("names a connection that failed, and is worth retrying when it was reset", () => {
    const failure = describeTokenFailure(
      endpoint({ kind: "network", code: "ECONNRESET", summary: "ECONNRESET: read ECONNRESET" }),
      context,
    );
    expect(failure).toMatchObject({ code: "TOKEN_ENDPOINT_UNREACHABLE", transient: true });
    expect(tokenErrorOf(failure).message).toBe(
      "Could not reach Entra ID's token endpoint at login.example:8443 for api://x/.default (ECONNRESET: read ECONNRESET). " +
        "Check the app's outbound network access to login.example:8443 and M2M_AUTHORITY_HOST; a connection reset now and then passes on its own and is retried.",
    );
    expect(
      describeTokenFailure(endpoint({ kind: "network", code: "ENOTFOUND", summary: "ENOTFOUND" }), context)
        .transient,
    ).toBe(false);
  });

  it("names a request that got no answer within its timeout", () => {
    const failure = describeTokenFailure(endpoint({ kind: "timeout", timeoutMs: 15_000 }), context);
    expect(failure).toMatchObject({ code: "TOKEN_ENDPOINT_TIMEOUT", transient: true });
    expect(tokenErrorOf(failure).message).toBe(
      "Entra ID's token endpoint at login.example:8443 did not answer the token request for api://x/.default within 15 s. " +
        "Check the app's outbound network access to login.example:8443; a slow answer now and then passes on its own and is retried.",
    );
  });

  it("keeps a 429's Retry-After for the retry decision", () => {
    const failure = describeTokenFailure(endpoint(status(429, { retryAfterMs: 7_000 })), context);
    expect(failure).toMatchObject({ code: "TOKEN_ENDPOINT_THROTTLED", transient: true, retryAfterMs: 7_000 });
  });

  it("calls a 4xx that is not an Entra error an answer from something else, not retried", () => {
    const failure = describeTokenFailure(endpoint(status(404)), context);
    expect(failure).toMatchObject({ code: "TOKEN_RESPONSE_INVALID", transient: false });
    expect(tokenErrorOf(failure).message).toBe(
      `The token endpoint ${URL_} answered HTTP 404 with a body that is not JSON (text/html) instead of a token or an Entra ID error. ` +
        "Check M2M_AUTHORITY_HOST (login.example:8443) and M2M_TENANT_ID: the URL must be Entra ID's token endpoint, with no proxy answering in its place.",
    );
  });

  it("names a body too large to be a token response", () => {
    expect(message(endpoint(status(200, { bodyProblem: "too-large" })))).toContain(
      "answered HTTP 200 with a body over 1 MiB instead of a token",
    );
  });

  it("explains an AADSTS code in a 5xx Entra body, with the status", () => {
    const failure = describeTokenFailure(
      endpoint(
        status(503, {
          bodyProblem: null,
          entra: {
            error: "temporarily_unavailable",
            aadsts: [90033],
            description: "AADSTS90033: A transient error has occurred. Please try again.\r\nTrace ID: t",
          },
        }),
      ),
      context,
    );
    expect(failure).toMatchObject({ code: "TOKEN_ENDPOINT_UNAVAILABLE", aadsts: 90033, transient: true });
    expect(failure.cause).toBe("Entra ID's directory service is temporarily unavailable (HTTP 503)");
    expect(failure.said).toBe("AADSTS90033: A transient error has occurred. Please try again.");
  });

  it("reads Entra's description out of MSAL's ServerError and explains the AADSTS code", () => {
    const error = new ServerError(
      "invalid_client",
      "corr",
      "Error(s): 700027 - Timestamp: 2024-01-01 00:00:00Z - Description: AADSTS700027: Client assertion failed signature validation. Trace ID: t Correlation ID: c Timestamp: x - Correlation ID: c - Trace ID: t",
      "",
      "700027",
      401,
    );
    const failure = describeTokenFailure(error, context);
    expect(failure).toMatchObject({
      code: "CERTIFICATE_NOT_REGISTERED",
      aadsts: 700027,
      certificateProblem: true,
      transient: false,
      said: "AADSTS700027: Client assertion failed signature validation.",
    });
    expect(failure.cause).not.toContain("HTTP");
  });

  it("never writes [object Object], whatever MSAL put in errorCode", () => {
    const error = Object.assign(
      new ServerError("", "", "Error(s): Not Available - Description: Not Available"),
      {
        errorCode: { code: "InternalError" },
      },
    );
    const text = message(error);
    expect(text).not.toContain("[object Object]");
    expect(text).toBe(
      "Entra ID refused the token request for api://x/.default. " +
        "Entra ID's description below names the cause; check the app registration and the M2M_ settings it points at. " +
        "(Entra ID said: Not Available)",
    );
  });

  it("names an MSAL error that is not Entra's, with where MSAL explains it", () => {
    const error = new ClientConfigurationError("invalid_cloud_discovery_metadata", "correlation-id");
    expect(message(error)).toBe(
      "MSAL could not make the token request for api://x/.default (invalid_cloud_discovery_metadata). " +
        "Check the credential settings (M2M_CREDENTIAL_SOURCE and its certificate, secret or federation settings); " +
        "MSAL explains invalid_cloud_discovery_metadata at https://aka.ms/msal.js.errors#invalid_cloud_discovery_metadata.",
    );
  });

  it("describes anything else thrown as a failure it did not expect", () => {
    expect(message("boom")).toBe(
      "The token request for api://x/.default failed (boom). Report it as a bug if it repeats: the token path did not expect this failure.",
    );
  });
});
