import { describe, expect, it } from "vitest";
import { FRAGMENT_REMOVED, QUERY_REMOVED, safeUrl } from "../../src/net/safeUrl.js";

describe("safeUrl", () => {
  it.each([
    ["https://api.example/v1/items", "https://api.example/v1/items"],
    ["https://api.example", "https://api.example/"],
    ["https://api.example:8443/v1/items/", "https://api.example:8443/v1/items/"],
    ["https://api.example:443/v1", "https://api.example/v1"],
    ["http://127.0.0.1:7071/api/hook", "http://127.0.0.1:7071/api/hook"],
    ["http://[::1]:8080/x", "http://[::1]:8080/x"],
  ])("shows %s, which has nothing to hide, as %s", (url, shown) => {
    expect(safeUrl(url)).toBe(shown);
  });

  it.each([
    ["https://svc:hunter2@api.example/v1/items", "https://api.example/v1/items"],
    ["https://svc@api.example/v1/items", "https://api.example/v1/items"],
    ["https://:hunter2@api.example/v1/items", "https://api.example/v1/items"],
  ])("drops the user name and password of %s", (url, shown) => {
    expect(safeUrl(url)).toBe(shown);
  });

  it.each([
    ["https://api.example/v1/items?key=abc", "https://api.example/v1/items?<query removed>"],
    ["https://api.example/v1/items?", "https://api.example/v1/items"],
    ["https://api.example/v1/items#top", "https://api.example/v1/items#<fragment removed>"],
    ["https://api.example/v1/items#", "https://api.example/v1/items"],
    [
      "https://u:p@api.example/v1/items?sig=abc#access_token=xyz",
      "https://api.example/v1/items?<query removed>#<fragment removed>",
    ],
  ])("marks a removed query or fragment: %s", (url, shown) => {
    expect(safeUrl(url)).toBe(shown);
  });

  it.each([
    [
      "https://prod-12.westeurope.logic.azure.com:443/workflows/0a1b2c3d4e5f/triggers/manual/paths/invoke?sig=AbCd",
      "https://prod-12.westeurope.logic.azure.com",
    ],
    ["https://hooks.slack.com/services/T0/B0/secret", "https://hooks.slack.com"],
    ["http://ops:pw@127.0.0.1:7071/alerts?token=x#f", "http://127.0.0.1:7071"],
  ])("with path: false shows only the scheme and host of %s (a webhook's path is its key)", (url, shown) => {
    expect(safeUrl(url, { path: false })).toBe(shown);
  });

  it("keeps the path when told so explicitly", () => {
    expect(safeUrl("https://api.example/v1?x=1", { path: true })).toBe(
      `https://api.example/v1${QUERY_REMOVED}`,
    );
  });

  it.each(["not a url", "", "https://", "/relative/path?x=1"])(
    "shows %j, which does not parse, as <invalid URL>",
    (url) => {
      expect(safeUrl(url)).toBe("<invalid URL>");
    },
  );

  it("marks with the constants it exports", () => {
    expect([QUERY_REMOVED, FRAGMENT_REMOVED]).toEqual(["?<query removed>", "#<fragment removed>"]);
  });
});
