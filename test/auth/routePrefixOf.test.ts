import { describe, expect, it } from "vitest";
import { routePrefixOf } from "../../src/auth/routePrefixOf.js";

describe("routePrefixOf", () => {
  it.each([
    [null, "api"],
    ["{not json", "api"],
    ["null", "api"],
    ['{"version": "2.0"}', "api"],
    ['{"extensions": {"http": {}}}', "api"],
    ['{"extensions": {"http": {"routePrefix": 7}}}', "api"],
    ['{"extensions": {"http": {"routePrefix": ""}}}', ""],
    ['{"extensions": {"http": {"routePrefix": "functions"}}}', "functions"],
    ['{"extensions": {"http": {"routePrefix": "/v1/m2m/"}}}', "v1/m2m"],
    ['{"extensions": {"http": {"routePrefix": "//x//"}}}', "x"],
  ])("reads host.json %s as the prefix %j", (text, prefix) => {
    expect(routePrefixOf(text)).toBe(prefix);
  });
});
