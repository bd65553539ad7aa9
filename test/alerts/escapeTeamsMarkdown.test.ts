import { describe, expect, it } from "vitest";
import { escapeTeamsMarkdown } from "../../src/alerts/escapeTeamsMarkdown.js";

describe("escapeTeamsMarkdown", () => {
  it("leaves text without Markdown as it is", () => {
    expect(
      escapeTeamsMarkdown(
        "The API answered HTTP 503 (Service Unavailable) after 4 attempts; TLS 1.2 - retry later.",
      ),
    ).toBe("The API answered HTTP 503 (Service Unavailable) after 4 attempts; TLS 1.2 - retry later.");
  });

  it.each([
    ["a\\b", "a\\\\b"],
    ["a*b", "a\\*b"],
    ["a[b", "a\\[b"],
    ["a]b", "a\\]b"],
    ["a<b", "a\\<b"],
    ["a>b", "a\\>b"],
    ["a&b", "a\\&b"],
    ["a`b", "a\\`b"],
    ["a~b", "a\\~b"],
  ])("backslash-escapes Markdown's inline marks anywhere: %j as %j", (text, escaped) => {
    expect(escapeTeamsMarkdown(text)).toBe(escaped);
  });

  it.each([
    ["a link", "[click](https://evil.example)", "\\[click\\](https://evil.example)"],
    ["an image", "![x](https://evil.example/x.png)", "!\\[x\\](https://evil.example/x.png)"],
    ["an autolink", "<https://evil.example>", "\\<https://evil.example\\>"],
    ["bold", "**bold**", "\\*\\*bold\\*\\*"],
    ["italic", "_italic_", "\\_italic\\_"],
    ["bold with underscores", "__bold__", "\\_\\_bold\\_\\_"],
    ["strikethrough", "~~gone~~", "\\~\\~gone\\~\\~"],
    ["code", "`code`", "\\`code\\`"],
    ["a mention", "<at>Someone</at>", "\\<at\\>Someone\\</at\\>"],
    ["an entity", "&lt;script&gt;", "\\&lt;script\\&gt;"],
    ["an escape", "\\*not bold\\*", "\\\\\\*not bold\\\\\\*"],
  ])("shows %s as written: %j", (_what, text, escaped) => {
    expect(escapeTeamsMarkdown(text)).toBe(escaped);
  });

  it.each(["invalid_client", "TOKEN_REQUEST_FAILED", "a_a", "z_z", "A_A", "Z_Z", "0_0", "9_9"])(
    "keeps _ between two ASCII letters or digits, where it makes no emphasis: %j",
    (text) => {
      expect(escapeTeamsMarkdown(text)).toBe(text);
    },
  );

  it.each([
    ["a_ b", "a\\_ b"],
    ["a _b", "a \\_b"],
    ["é_é", "é\\_é"],
  ])("escapes _ at a word's edge: %j as %j", (text, escaped) => {
    expect(escapeTeamsMarkdown(text)).toBe(escaped);
  });

  it.each([
    ["- item", "\\- item"],
    ["+ item", "\\+ item"],
    ["* item", "\\* item"],
    ["# Heading", "\\# Heading"],
    ["  - indented", "  \\- indented"],
    ["\t+ tabbed", "\t\\+ tabbed"],
    ["1. Green", "1\\. Green"],
    ["10) Ten", "10\\) Ten"],
    ["   2. indented", "   2\\. indented"],
    ["\t3) tabbed", "\t3\\) tabbed"],
    ["> quoted", "\\> quoted"],
  ])("escapes a list, heading or quote mark at the start of a line: %j as %j", (text, escaped) => {
    expect(escapeTeamsMarkdown(text)).toBe(escaped);
  });

  it("escapes line-start marks on every line, after \\n or \\r", () => {
    expect(escapeTeamsMarkdown("Failed:\n- first\r- second\n1. one\r2. two\n# three")).toBe(
      "Failed:\n\\- first\r\\- second\n1\\. one\r2\\. two\n\\# three",
    );
  });

  it.each([
    "a - b",
    "a + b",
    "issue #12",
    "x-ms-request-id",
    "TLS 1.2",
    "step 3) done",
    "2030-01-01T10:00:00.000Z",
  ])("leaves the same marks inside a line alone: %j", (text) => {
    expect(escapeTeamsMarkdown(text)).toBe(text);
  });
});
