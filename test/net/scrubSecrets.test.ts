import { describe, expect, it } from "vitest";
import { scrubSecrets } from "../../src/net/scrubSecrets.js";

const jwt = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjMiLCJyb2xlcyI6WyJhIl19.c2lnbmF0dXJl";

describe("scrubSecrets", () => {
  it("takes user info, query and fragment out of every URL in the text", () => {
    expect(
      scrubSecrets(
        "GET https://svc:hunter2@api.example/v1/items?key=abc failed; see http://127.0.0.1:7071/x#token=y.",
      ),
    ).toBe(
      "GET https://api.example/v1/items?<query removed> failed; see http://127.0.0.1:7071/x#<fragment removed>",
    );
  });

  it.each([
    [
      '{"next":"https://api.example/v1/items?page=2&sig=abc"}',
      '{"next":"https://api.example/v1/items?<query removed>"}',
    ],
    ["<a href='ftp://u:p@files.example/x'>", "<a href='ftp://files.example/x'>"],
    ["(https://api.example/a?b)", "(https://api.example/a?<query removed>"],
    ["`https://api.example/a?b`", "`https://api.example/a?<query removed>`"],
    ["svc+https://u@api.example/x", "svc+https://api.example/x"],
  ])("finds the URL's end at white space, quotes and brackets: %s", (text, scrubbed) => {
    expect(scrubSecrets(text)).toBe(scrubbed);
  });

  it.each([
    "see https://vault.azure.net. and https://api.example/v1/items, then HTTPS://API.EXAMPLE/A",
    "https://{host}/templated and https://",
    "a path /v1/items?key=abc with no scheme, and mailto:ops@example.com",
  ])("leaves text with no URL secret exactly as written: %s", (text) => {
    expect(scrubSecrets(text)).toBe(text);
  });

  it("replaces a URL that has something to hide but does not parse with <invalid URL>", () => {
    expect(scrubSecrets("at https://[bad/x?key=abc now")).toBe("at <invalid URL> now");
    expect(scrubSecrets("at https://u:p@ho%zzst/x now")).toBe("at <invalid URL> now");
  });

  it("redacts JWTs (and JWEs) wherever they are", () => {
    expect(scrubSecrets(`token=${jwt}; "${jwt}.extra.parts" (${jwt})`)).toBe(
      'token=<redacted>; "<redacted>" (<redacted>)',
    );
    expect(scrubSecrets("eyJhbGciOiJub25lIn0..")).toBe("<redacted>");
  });

  it("leaves what only starts like a JWT", () => {
    expect(scrubSecrets("eyJhbGciOiJub25lIn0 and eyJhbGciOiJub25lIn0.one and XeyJhb.c.d")).toBe(
      "eyJhbGciOiJub25lIn0 and eyJhbGciOiJub25lIn0.one and XeyJhb.c.d",
    );
  });

  it.each([
    ["Authorization: Bearer opaque-token-0123456789", "Authorization: Bearer <redacted>"],
    ["authorization: bearer abc/def+ghi==", "authorization: bearer <redacted>"],
    ["Basic dXNlcjpwYXNzd29yZA==; next", "Basic <redacted>; next"],
    ["Bearer\tabcdefgh", "Bearer\t<redacted>"],
    ["Bearer  \t abcdefgh", "Bearer  \t <redacted>"],
    [`Bearer ${jwt}`, "Bearer <redacted>"],
    ['"Bearer abcdefgh12345678"', '"Bearer <redacted>"'],
    ["Bearer error_code=", "Bearer <redacted>"],
    // Padding after a letter, then a quote: looks like a parameter's name only from its last letter on.
    ['{"authorization":"Basic dXNlcjpwYXNzd29yZGs="}', '{"authorization":"Basic <redacted>"}'],
    // Starts like a parameter's name, but a name ends at its one "=".
    ['{"authorization":"Bearer opaque-token_value=="}', '{"authorization":"Bearer <redacted>"}'],
  ])("redacts the credential after an auth scheme: %s", (text, scrubbed) => {
    expect(scrubSecrets(text)).toBe(scrubbed);
  });

  it.each([
    "the Bearer token expired",
    "Bearer abcdefg",
    'WWW-Authenticate: Bearer realm="api", error="invalid_token"',
    'Bearer authorization="https://login.example/tenant", resource="https://vault.azure.net"',
    "Bearer authorization_uri=https://login.example/tenant",
    "Bearer error_description=token, Bearer scope",
    "Bearerabcdefghijk and XBasic abcdefghijk",
  ])("leaves a challenge's parameters and prose alone: %s", (text) => {
    expect(scrubSecrets(text)).toBe(text);
  });

  it.each([
    "GET https://svc:pw@api.example/v1/items?key=abc#f failed",
    `Bearer ${jwt} at https://api.example/x?<query removed>`,
    "https://h/p#<fragment removed> and https://[bad/x?y",
    "at https://h/p?a=1. Then https://h/q#f, and (https://u@h/r?x=1).",
  ])("changes nothing when scrubbing scrubbed text: %s", (text) => {
    const once = scrubSecrets(text);
    expect(scrubSecrets(once)).toBe(once);
  });

  it("scrubs a megabyte of text in linear time (an API's body is read up to M2M_MAX_BODY_BYTES)", () => {
    for (const unit of ["e", "eyJ", "eyJa.", "http", "a+", "Bearer ", "https://x/?"]) {
      const text = unit.repeat(Math.ceil(1_048_576 / unit.length));
      // A quadratic pattern would need minutes here; the assertion is that it returns at all within the test timeout.
      expect(scrubSecrets(text).length).toBeGreaterThan(0);
    }
  });
});
