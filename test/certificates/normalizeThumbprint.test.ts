import { describe, expect, it } from "vitest";
import { normalizeThumbprint } from "../../src/certificates/normalizeThumbprint.js";

const HEX = "0A1B2C3D4E5F60718293A4B5C6D7E8F901234567";
const bytes = Buffer.from(HEX, "hex");

describe("normalizeThumbprint", () => {
  it.each([
    ["hex, upper case (the portal)", HEX],
    ["hex, lower case (the SDK's x509ThumbprintString)", HEX.toLowerCase()],
    ["hex with colons (node:crypto's fingerprint)", HEX.match(/../g)!.join(":")],
    ["base64 of the bytes (Graph's customKeyIdentifier)", bytes.toString("base64")],
    ["base64url of the bytes (Key Vault's x5t)", bytes.toString("base64url")],
    ["base64 of the hex text", Buffer.from(HEX).toString("base64")],
  ])("reads %s", (_name, value) => {
    expect(normalizeThumbprint(value)).toBe(HEX);
  });

  it.each([
    ["null", null],
    ["empty", ""],
    ["a hand-chosen identifier", "my-key-2026"],
    ["a SHA-256 thumbprint", "A".repeat(64)],
    ["base64 of 16 bytes", Buffer.alloc(16, 1).toString("base64")],
  ])("gives null for %s", (_name, value) => {
    expect(normalizeThumbprint(value)).toBeNull();
  });
});
