import { describe, expect, it } from "vitest";
import { redactUrl } from "../../src/alerts/redactUrl.js";
import { scrubUrlSecrets } from "../../src/alerts/scrubUrlSecrets.js";

const url =
  "https://prod-12.westeurope.logic.azure.com:443/workflows/0a1b2c3d4e5f/triggers/manual/paths/invoke?api-version=2016-06-01&sig=AbCdEf123456";

describe("redactUrl", () => {
  it.each([
    [url, "https://prod-12.westeurope.logic.azure.com"],
    ["https://hooks.slack.com/services/T0/B0/secret", "https://hooks.slack.com"],
    ["http://127.0.0.1:7071/alerts?token=x", "http://127.0.0.1:7071"],
    ["not a url", "<invalid URL>"],
  ])("shows %s as %s", (input, shown) => {
    expect(redactUrl(input)).toBe(shown);
  });
});

describe("scrubUrlSecrets", () => {
  it("redacts the URL, its path, id-like path segments and query values wherever they appear", () => {
    expect(
      scrubUrlSecrets(
        `POST ${url} failed; workflow 0a1b2c3d4e5f; sig=AbCdEf123456; path /workflows/0a1b2c3d4e5f/x`,
        url,
      ),
    ).toBe("POST <redacted> failed; workflow <redacted>; sig=<redacted>; path /workflows/<redacted>/x");
  });

  it("leaves route words alone, so an answer stays readable", () => {
    expect(scrubUrlSecrets("workflows/triggers/manual/paths/invoke", url)).toBe(
      "workflows/triggers/manual/paths/invoke",
    );
  });
});
