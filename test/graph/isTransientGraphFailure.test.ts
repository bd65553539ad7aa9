import { describe, expect, it } from "vitest";
import { isTransientGraphFailure } from "../../src/graph/isTransientGraphFailure.js";

describe("isTransientGraphFailure", () => {
  it.each([429, 503, 504])("retries a read answered %i", (status) => {
    expect(isTransientGraphFailure("GET", { kind: "status", status })).toBe(true);
    expect(isTransientGraphFailure("get", { kind: "status", status })).toBe(true);
  });

  it.each([400, 401, 403, 404, 409, 500, 502])("does not retry a read answered %i", (status) => {
    expect(isTransientGraphFailure("GET", { kind: "status", status })).toBe(false);
  });

  it("retries addKey and removeKey only when Graph says it did not carry them out (429, 503)", () => {
    expect(isTransientGraphFailure("POST", { kind: "status", status: 429 })).toBe(true);
    expect(isTransientGraphFailure("POST", { kind: "status", status: 503 })).toBe(true);
    expect(isTransientGraphFailure("POST", { kind: "status", status: 504 })).toBe(false);
    expect(isTransientGraphFailure("POST", { kind: "status", status: 400 })).toBe(false);
  });

  it("retries a read whose connection failed for a reason that may pass, or that timed out", () => {
    expect(isTransientGraphFailure("GET", { kind: "network", code: "ECONNRESET" })).toBe(true);
    expect(isTransientGraphFailure("GET", { kind: "network", code: "UND_ERR_SOCKET" })).toBe(true);
    expect(isTransientGraphFailure("GET", { kind: "timeout" })).toBe(true);
  });

  it("does not retry a read whose host does not resolve or whose certificate is not trusted", () => {
    expect(isTransientGraphFailure("GET", { kind: "network", code: "ENOTFOUND" })).toBe(false);
    expect(isTransientGraphFailure("GET", { kind: "network", code: "SELF_SIGNED_CERT_IN_CHAIN" })).toBe(
      false,
    );
  });

  it("does not repeat a POST after a reset or a timeout: the key may have been added", () => {
    expect(isTransientGraphFailure("POST", { kind: "network", code: "ECONNRESET" })).toBe(false);
    expect(isTransientGraphFailure("POST", { kind: "timeout" })).toBe(false);
  });
});
