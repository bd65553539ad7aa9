import { describe, expect, it } from "vitest";
import { isLoopbackHost } from "../../src/net/isLoopbackHost.js";
import { isLoopbackUrl } from "../../src/credentials/isLoopbackUrl.js";

describe("isLoopbackHost", () => {
  it.each(["localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "127.255.255.255", "::1", "[::1]"])(
    "%s is on this machine",
    (host) => {
      expect(isLoopbackHost(host)).toBe(true);
    },
  );

  it.each([
    "localhost.example.com",
    "mylocalhost",
    "128.0.0.1",
    "10.0.0.1",
    "127.0.0",
    "127.0.0.1.nip.io",
    "x127.0.0.1",
    "127.0.0.1234",
    "::2",
    "[::1",
    "::1]",
    "x[::1]",
    "[::1]x",
    "127.0.0.1[]",
    "[]127.0.0.1",
    "0.0.0.0",
    "",
  ])("%j is not", (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe("isLoopbackUrl", () => {
  it.each([
    ["https://localhost:8443/", true],
    ["http://[::1]:7071/api", true],
    ["https://127.0.0.1/", true],
    ["https://myvault.vault.azure.net/", false],
    ["https://localhost.evil.example/", false],
  ])("%s → %s", (url, expected) => {
    expect(isLoopbackUrl(url)).toBe(expected);
  });
});
