import { describe, expect, it } from "vitest";
import { isRetryable, type AttemptFailure } from "../../../src/jobs/downstream/isRetryable.js";

const status = (s: number): AttemptFailure => ({ kind: "status", status: s });
const network = (code: string): AttemptFailure => ({ kind: "network", code });
const timeout: AttemptFailure = { kind: "timeout" };

const transient = [
  status(408),
  status(429),
  status(500),
  status(502),
  status(503),
  status(504),
  network("ECONNRESET"),
  network("ECONNREFUSED"),
  network("UND_ERR_SOCKET"),
  network("FETCH_FAILED"),
  timeout,
];
const permanent = [
  status(400),
  status(401),
  status(403),
  status(404),
  status(409),
  status(422),
  status(501),
  // The host name does not resolve, the URL or port is unusable, or the server's certificate is not trusted.
  network("ENOTFOUND"),
  network("ERR_INVALID_URL"),
  network("BAD_PORT"),
  network("CERT_HAS_EXPIRED"),
  network("CERT_NOT_YET_VALID"),
  network("DEPTH_ZERO_SELF_SIGNED_CERT"),
  network("SELF_SIGNED_CERT_IN_CHAIN"),
  network("UNABLE_TO_GET_ISSUER_CERT_LOCALLY"),
  network("UNABLE_TO_VERIFY_LEAF_SIGNATURE"),
  network("ERR_TLS_CERT_ALTNAME_INVALID"),
];

describe("isRetryable", () => {
  describe.each(["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "get"])("%s (idempotent by HTTP)", (method) => {
    it.each(transient)("retries %j whatever the job says", (failure) => {
      expect(isRetryable(failure, method, false)).toBe(true);
      expect(isRetryable(failure, method, true)).toBe(true);
    });
    it.each(permanent)("does not retry %j whatever the job says", (failure) => {
      expect(isRetryable(failure, method, true)).toBe(false);
      expect(isRetryable(failure, method, false)).toBe(false);
    });
  });

  describe.each(["POST", "PATCH"])("%s", (method) => {
    it.each(transient)("retries %j only when the job is idempotent", (failure) => {
      expect(isRetryable(failure, method, true)).toBe(true);
      expect(isRetryable(failure, method, false)).toBe(false);
    });
    it.each(permanent)("does not retry %j, idempotent job or not", (failure) => {
      expect(isRetryable(failure, method, true)).toBe(false);
      expect(isRetryable(failure, method, false)).toBe(false);
    });
  });
});
