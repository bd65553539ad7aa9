import { describe, expect, it } from "vitest";
import { scrubUrlSecrets } from "../../src/alerts/scrubUrlSecrets.js";

const url =
  "https://prod-12.westeurope.logic.azure.com:443/workflows/0a1b2c3d4e5f/triggers/manual/paths/invoke?api-version=2016-06-01&sig=AbCdEf123456";

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

  it("redacts the URL as the parser writes it (default port dropped), not only as it was given", () => {
    const written =
      "https://prod-12.westeurope.logic.azure.com/workflows/0a1b2c3d4e5f/triggers/manual/paths/invoke?api-version=2016-06-01&sig=AbCdEf123456";
    expect(scrubUrlSecrets(`fetch ${written} failed`, url)).toBe("fetch <redacted> failed");
  });

  it("redacts the path and the query each on their own", () => {
    expect(
      scrubUrlSecrets(
        "Cannot POST /workflows/0a1b2c3d4e5f/triggers/manual/paths/invoke?api-version=2016-06-01&sig=AbCdEf123456",
        url,
      ),
    ).toBe("Cannot POST <redacted><redacted>");
  });

  it("redacts a Slack webhook's team, channel and token but not its route word", () => {
    const slack = "https://hooks.slack.com/services/T0123ABCD/B0456EFGH/abcdefghijklmnopqrstuvwx";
    expect(
      scrubUrlSecrets("invalid_token: services T0123ABCD B0456EFGH abcdefghijklmnopqrstuvwx", slack),
    ).toBe("invalid_token: services <redacted> <redacted> <redacted>");
  });

  it.each([
    { segment: "abcdefghijklmnop", why: "16 letters", shown: "<redacted>" },
    { segment: "abcdefghijklmno", why: "15 letters", shown: "abcdefghijklmno" },
    { segment: "abcdefg1", why: "8 characters with a digit", shown: "<redacted>" },
    { segment: "abcdef1", why: "7 characters with a digit", shown: "abcdef1" },
    { segment: "abcdefgh", why: "8 letters", shown: "abcdefgh" },
  ])("shows a path segment of $why as $shown", ({ segment, shown }) => {
    expect(scrubUrlSecrets(`segment ${segment}`, `https://hooks.example.com/hooks/${segment}`)).toBe(
      `segment ${shown}`,
    );
  });

  it("never treats the root path '/' as secret, so slashes in the text stay", () => {
    expect(scrubUrlSecrets("a/b/c", "https://hooks.example.com/?token=abcdef123")).toBe("a/b/c");
    expect(scrubUrlSecrets("a/b/c", "https://hooks.example.com")).toBe("a/b/c");
  });

  it("redacts a percent-encoded path segment both as written and decoded", () => {
    expect(
      scrubUrlSecrets(
        "token T0%20B0%20secret1 or T0 B0 secret1",
        "https://hooks.example.com/hooks/T0%20B0%20secret1",
      ),
    ).toBe("token <redacted> or <redacted>");
  });

  it("redacts a path segment with a malformed escape as written, without failing", () => {
    expect(scrubUrlSecrets("token tok%ZZen12345", "https://hooks.example.com/hooks/tok%ZZen12345")).toBe(
      "token <redacted>",
    );
  });

  it.each([
    { query: "token=abcdef", value: "abcdef", shown: "<redacted>" },
    { query: "token=abcde", value: "abcde", shown: "abcde" },
    { query: "token=abc+de", value: "abc de", shown: "<redacted>" },
    { query: "abcdef", value: "abcdef", shown: "<redacted>" },
    { query: "abcde", value: "abcde", shown: "abcde" },
  ])(
    "shows the query value in ?$query as $shown (MIN_QUERY_SECRET_CHARS is 6)",
    ({ query, value, shown }) => {
      expect(scrubUrlSecrets(`value ${value}`, `https://hooks.example.com/hook?${query}`)).toBe(
        `value ${shown}`,
      );
    },
  );

  it("keeps query names readable and redacts every value of the query", () => {
    expect(
      scrubUrlSecrets(
        "expected sig=abcdef1, code=xyz9876",
        "https://hooks.example.com/hook?sig=abcdef1&code=xyz9876",
      ),
    ).toBe("expected sig=<redacted>, code=<redacted>");
  });

  it("redacts a query value as written, as read and as encoded again", () => {
    // "+" reads as a space and "%2b" as "+"; encoding that again gives "%20" and "%2B".
    expect(
      scrubUrlSecrets(
        "bad sig 'ab+cd%2bef', 'ab cd+ef', 'ab%20cd%2Bef'",
        "https://hooks.example.com/hook?sig=ab+cd%2bef",
      ),
    ).toBe("bad sig '<redacted>', '<redacted>', '<redacted>'");
  });

  it("replaces the longest secret first, so a secret containing another is removed whole", () => {
    // The path segment "abcdefgh1" is inside the query value "abcdefgh1XYZ".
    expect(
      scrubUrlSecrets("sig=abcdefgh1XYZ", "https://hooks.example.com/hooks/abcdefgh1?sig=abcdefgh1XYZ"),
    ).toBe("sig=<redacted>");
  });

  it("never replaces an empty string (which would match between every character)", () => {
    expect(scrubUrlSecrets("nothing to hide", "")).toBe("nothing to hide");
    expect(scrubUrlSecrets("nothing to hide", "https://hooks.example.com/hook?")).toBe("nothing to hide");
  });

  it("redacts a URL that does not parse as a whole, and nothing else", () => {
    expect(scrubUrlSecrets("POST not a url/abcdefgh1 failed; abcdefgh1", "not a url/abcdefgh1")).toBe(
      "POST <redacted> failed; abcdefgh1",
    );
  });
});
