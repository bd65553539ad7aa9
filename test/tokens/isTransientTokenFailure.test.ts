import { describe, expect, it } from "vitest";
import type { AttemptFailure } from "../../src/jobs/downstream/isRetryable.js";
import { isTransientTokenFailure } from "../../src/tokens/isTransientTokenFailure.js";

const status = (s: number): AttemptFailure => ({ kind: "status", status: s });
const entra = (error: string | null, ...aadsts: number[]) => ({ error, aadsts });

describe("isTransientTokenFailure", () => {
  it.each([429, 500, 502, 503, 504, 408])("retries HTTP %i without an Entra body", (s) => {
    expect(isTransientTokenFailure(status(s), null)).toBe(true);
  });

  it.each([400, 401, 403, 404, 501])("does not retry HTTP %i without an Entra body", (s) => {
    expect(isTransientTokenFailure(status(s), null)).toBe(false);
  });

  it("retries a reset connection and an attempt timeout, not a host name that does not resolve", () => {
    expect(isTransientTokenFailure({ kind: "network", code: "ECONNRESET" }, null)).toBe(true);
    expect(isTransientTokenFailure({ kind: "timeout" }, null)).toBe(true);
    expect(isTransientTokenFailure({ kind: "network", code: "ENOTFOUND" }, null)).toBe(false);
  });

  it("retries Entra's 503 temporarily_unavailable (AADSTS90033)", () => {
    expect(isTransientTokenFailure(status(503), entra("temporarily_unavailable", 90033))).toBe(true);
  });

  it("retries temporarily_unavailable whatever the status and codes", () => {
    expect(isTransientTokenFailure(status(400), entra("temporarily_unavailable"))).toBe(true);
    expect(isTransientTokenFailure(status(400), entra("temporarily_unavailable", 123))).toBe(true);
  });

  // Entra's error reference: RetryableError, ExternalServerRetryableError, RequestTimeout, RequestBudgetExceededError,
  // MsodsServiceUnavailable, GraphRetryableError, ClaimsTransformationTimeoutRegularExpressionTimeout.
  it.each([50033, 90006, 90012, 90024, 90033, 90090, 501621])(
    "retries AADSTS%i, documented as transient, even with a 400",
    (code) => {
      expect(isTransientTokenFailure(status(400), entra("invalid_request", code))).toBe(true);
    },
  );

  it("finds a transient code anywhere in error_codes", () => {
    expect(isTransientTokenFailure(status(400), entra("invalid_request", 70011, 90033))).toBe(true);
  });

  // LoopDetected, MsodsServiceUnretryableFailure, TenantThrottlingError (blocked tenants), GraphNonRetryableError.
  it.each([50196, 90036, 90055, 90092])(
    "never retries AADSTS%i, not even with a 503 temporarily_unavailable",
    (code) => {
      expect(isTransientTokenFailure(status(503), entra("temporarily_unavailable", code))).toBe(false);
      expect(isTransientTokenFailure(status(429), entra(null, 90033, code))).toBe(false);
    },
  );

  it("does not retry a permanent AADSTS code on a 400", () => {
    expect(isTransientTokenFailure(status(400), entra("invalid_client", 700027))).toBe(false);
    expect(isTransientTokenFailure(status(401), entra("invalid_client", 7000215))).toBe(false);
  });

  it("lets the status decide when Entra's body names no transient code", () => {
    expect(isTransientTokenFailure(status(500), entra("server_error", 50000))).toBe(true);
    expect(isTransientTokenFailure(status(500), entra(null))).toBe(true);
    expect(isTransientTokenFailure(status(400), entra(null))).toBe(false);
  });
});
