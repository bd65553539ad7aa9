import { describe, expect, it } from "vitest";
import { keyVaultError } from "../../src/credentials/keyVaultError.js";
import { CredentialError, M2mError, TimedOutError, TransientError } from "../../src/errors.js";

const ACTION = "read Key Vault certificate 'app' in https://kv.vault.azure.net";

/** An SDK error as core-rest-pipeline throws it: a RestError with the answer's status and Key Vault's message. */
const restError = (statusCode: number | undefined, message: string, code?: string) =>
  Object.assign(new Error(message), {
    name: "RestError",
    ...(statusCode === undefined ? {} : { statusCode }),
    ...(code === undefined ? {} : { code }),
  });
const named = (name: string, message: string) => Object.assign(new Error(message), { name });

describe("keyVaultError", () => {
  it("returns an error already explained as it is", () => {
    const timedOut = new TimedOutError("Key Vault", 2_000);
    expect(keyVaultError(timedOut, ACTION)).toBe(timedOut);
  });

  it("lets the caller explain a refusal first, and falls back when it does not", () => {
    const notFound = new CredentialError("CERTIFICATE_NOT_FOUND", "not found");
    const seen: unknown[] = [];
    const refused = (refusal: { status: number; said: string }) => {
      seen.push(refusal);
      return refusal.status === 404 ? notFound : null;
    };
    expect(
      keyVaultError(restError(404, "A certificate with (name/id) app was not found"), ACTION, refused),
    ).toBe(notFound);
    expect(seen).toEqual([{ status: 404, said: "A certificate with (name/id) app was not found" }]);
    expect(keyVaultError(restError(503, "busy"), ACTION, refused)).toMatchObject({
      code: "KEYVAULT_UNAVAILABLE",
    });
  });

  it("does not ask the caller about an error without a status", () => {
    let asked = false;
    keyVaultError(new TypeError("x"), ACTION, () => {
      asked = true;
      return null;
    });
    expect(asked).toBe(false);
  });

  it("says how to give the app an identity when there is no token: a 401 or a credential that failed", () => {
    const expected =
      `Could not authenticate to Key Vault to ${ACTION}: nope. In Azure, enable the Function app's managed identity ` +
      `(and set M2M_MANAGED_IDENTITY_CLIENT_ID for a user-assigned one); on a workstation set ` +
      `M2M_KEYVAULT_AUTH=default-azure-credential and sign in with 'az login'.`;
    for (const error of [
      restError(401, "nope"),
      named("CredentialUnavailableError", "nope"),
      named("AuthenticationError", "nope"),
      named("AggregateAuthenticationError", "nope"),
    ]) {
      const mapped = keyVaultError(error, ACTION);
      expect(mapped).toBeInstanceOf(CredentialError);
      expect(mapped).toMatchObject({
        code: "KEYVAULT_AUTHENTICATION_FAILED",
        message: expected,
        cause: error,
      });
    }
  });

  it("says a 403 is a missing permission", () => {
    const mapped = keyVaultError(restError(403, "Caller is not authorized"), ACTION);
    expect(mapped).toBeInstanceOf(CredentialError);
    expect(mapped).toMatchObject({
      code: "KEYVAULT_FORBIDDEN",
      message: `The app's identity may not ${ACTION}. Grant it a Key Vault role that allows this (RBAC vaults) or the permission in the vault's access policy. Key Vault said: Caller is not authorized`,
    });
  });

  it("says a 429 that outlasted the SDK's retries is throttling, and transient", () => {
    const mapped = keyVaultError(restError(429, "Request was not processed"), ACTION);
    expect(mapped).toBeInstanceOf(TransientError);
    expect(mapped).toMatchObject({
      code: "KEYVAULT_THROTTLED",
      message: `Key Vault throttled the app when it tried to ${ACTION}, still after the SDK's retries (which wait as Retry-After asks). Key Vault allows 4,000 transactions per 10 seconds per vault: look for other callers of this vault. The next run tries again. Key Vault said: Request was not processed`,
    });
  });

  it.each([408, 500, 503, 599])(
    "says a %s after the SDK's retries is Key Vault unavailable, and transient",
    (status) => {
      const mapped = keyVaultError(restError(status, "try later"), ACTION);
      expect(mapped).toBeInstanceOf(TransientError);
      expect(mapped).toMatchObject({
        code: "KEYVAULT_UNAVAILABLE",
        message: `Key Vault answered HTTP ${status} when the app tried to ${ACTION}, still after the SDK's retries. This usually passes on its own and the next run tries again; if it persists, check Azure Service Health for Key Vault. Key Vault said: try later`,
      });
    },
  );

  it.each([400, 409, 499])("says any other status (%s) was refused, not transient", (status) => {
    const mapped = keyVaultError(restError(status, "Bad parameter"), ACTION);
    expect(mapped).not.toBeInstanceOf(TransientError);
    expect(mapped).toMatchObject({
      code: "KEYVAULT_REJECTED",
      message: `Key Vault refused to ${ACTION} with HTTP ${status}: Bad parameter`,
    });
  });

  it.each([
    ["a reset", restError(undefined, "socket hang up", "ECONNRESET")],
    ["a failed send", restError(undefined, "connect ECONNREFUSED 127.0.0.1:1", "REQUEST_SEND_ERROR")],
    ["an abort", named("AbortError", "The operation was aborted.")],
  ])("says %s is an unreachable vault, transient", (_what, error) => {
    const mapped = keyVaultError(error, ACTION);
    expect(mapped).toBeInstanceOf(TransientError);
    expect(mapped).toMatchObject({
      code: "KEYVAULT_UNREACHABLE",
      message: `The app could not reach Key Vault to ${ACTION}: ${error.message}. Check the vault's URL and the network path from the app to it (private endpoint, firewall, DNS); the next run tries again.`,
    });
  });

  it.each([
    [
      "a TypeError from the SDK's parsing",
      new TypeError("Cannot read properties of undefined (reading 'split')"),
    ],
    ["a RestError without a status or code", restError(undefined, "Couldn't paginate response")],
    ["a RestError PARSE_ERROR", restError(undefined, "Unexpected token <", "PARSE_ERROR")],
    ["a RestError with a code that is not a string", Object.assign(restError(undefined, "odd"), { code: 7 })],
    ["an Error named otherwise, with a code", Object.assign(new Error("odd"), { code: "ECONNRESET" })],
  ])("says %s is an answer that is not Key Vault's", (_what, error) => {
    const mapped = keyVaultError(error, ACTION);
    expect(mapped).not.toBeInstanceOf(TransientError);
    expect(mapped).toMatchObject({
      code: "KEYVAULT_RESPONSE_INVALID",
      message: `The answer the app got when it tried to ${ACTION} is not Key Vault's: the SDK could not read it (${error.message}). Check that the vault's URL is the vault's own (https://<name>.vault.azure.net) and that no proxy answers in its place.`,
    });
  });

  it("reads a status only when it is a number, and quotes a thrown string but never [object Object]", () => {
    expect(keyVaultError(Object.assign(new Error("odd"), { statusCode: "503" }), ACTION)).toMatchObject({
      code: "KEYVAULT_RESPONSE_INVALID",
    });
    expect(keyVaultError("boom", ACTION)).toMatchObject({
      code: "KEYVAULT_RESPONSE_INVALID",
      message: expect.stringContaining("the SDK could not read it (boom)") as unknown,
    });
    expect(keyVaultError(null, ACTION)).toBeInstanceOf(M2mError);
    expect(keyVaultError({ statusCode: 503 }, ACTION)).toMatchObject({
      code: "KEYVAULT_UNAVAILABLE",
      message: expect.stringContaining("Key Vault said: (no message)") as unknown,
    });
  });
});
