import { describe, expect, it } from "vitest";
import { normalizeThumbprint } from "../../src/certificates/normalizeThumbprint.js";

const HEX = "0A1B2C3D4E5F60718293A4B5C6D7E8F901234567";
const bytes = Buffer.from(HEX, "hex");
const BASE64 = bytes.toString("base64");

describe("normalizeThumbprint", () => {
  it.each([
    ["hex, upper case (the portal)", HEX],
    ["hex, lower case (the SDK's x509ThumbprintString)", HEX.toLowerCase()],
    ["hex with colons (node:crypto's fingerprint)", HEX.match(/../g)!.join(":")],
    ["hex with spaces", HEX.match(/../g)!.join(" ")],
    ["hex with surrounding white space", ` ${HEX}\n`],
    ["base64 of the bytes (Graph's customKeyIdentifier)", BASE64],
    ["base64 of the bytes without its padding", BASE64.replace(/=+$/, "")],
    ["base64url of the bytes (Key Vault's x5t)", bytes.toString("base64url")],
    ["base64 of the hex text", Buffer.from(HEX).toString("base64")],
    ["base64 of the hex text in lower case", Buffer.from(HEX.toLowerCase()).toString("base64")],
  ])("reads %s", (_name, value) => {
    expect(normalizeThumbprint(value)).toBe(HEX);
  });

  it.each([
    ["null", null],
    ["undefined", undefined],
    ["empty", ""],
    ["white space", " \t "],
    ["a hand-chosen identifier", "my-key-2026"],
    ["39 hex digits", HEX.slice(1)],
    ["41 hex digits", `${HEX}0`],
    ["40 characters with a non-hex letter", `G${HEX.slice(1)}`],
    ["hex with dashes", HEX.match(/../g)!.join("-")],
    ["a SHA-256 thumbprint", "A".repeat(64)],
    ["base64 of 16 bytes", Buffer.alloc(16, 1).toString("base64")],
    ["base64 of 32 bytes (a SHA-256 thumbprint)", Buffer.alloc(32, 1).toString("base64")],
    ["base64 of a SHA-256 thumbprint's hex text", Buffer.from("A".repeat(64)).toString("base64")],
    ["base64 of the bytes after a character outside base64", `#${BASE64}`],
    [
      "base64 of the bytes with a character outside base64 inside",
      `${BASE64.slice(0, 12)}.${BASE64.slice(12)}`,
    ],
    ["base64 of the bytes followed by a character outside base64", `${BASE64}!`],
  ])("gives null for %s", (_name, value) => {
    expect(normalizeThumbprint(value)).toBeNull();
  });
});
