import { describe, expect, it } from "vitest";
import { escapeSlackText } from "../../src/alerts/escapeSlackText.js";

describe("escapeSlackText", () => {
  it("leaves text without control characters or formatting marks as it is", () => {
    expect(escapeSlackText("The API answered HTTP 503 (Service Unavailable) after 4 attempts.")).toBe(
      "The API answered HTTP 503 (Service Unavailable) after 4 attempts.",
    );
  });

  it.each([
    ["R&D", "R&amp;D"],
    ["a < b", "a &lt; b"],
    ["a > b", "a &gt; b"],
    ["&lt;already escaped&gt;", "&amp;lt;already escaped&amp;gt;"],
  ])("sends &, < and > as entities: %j as %j", (text, escaped) => {
    expect(escapeSlackText(text)).toBe(escaped);
  });

  it.each([
    ["a link", "see <https://evil.example|click>", "see &lt;https://evil.example|click&gt;"],
    ["@channel", "<!channel> look", "&lt;!channel&gt; look"],
    ["@here", "<!here>", "&lt;!here&gt;"],
    ["@everyone", "<!everyone>", "&lt;!everyone&gt;"],
    ["a user mention", "<@U123>", "&lt;@U123&gt;"],
    ["a user group mention", "<!subteam^S123>", "&lt;!subteam^S123&gt;"],
    ["a channel link", "<#C123>", "&lt;#C123&gt;"],
    ["a date", "<!date^1392734382^{date}|Feb 18>", "&lt;!date^1392734382^{date}|Feb 18&gt;"],
  ])("keeps %s from being parsed: %j", (_what, text, escaped) => {
    expect(escapeSlackText(text)).toBe(escaped);
  });

  it.each([
    ["*bold*", "\u2217bold\u2217"],
    ["_italic_", "\u02cditalic\u02cd"],
    ["~strike~", "\u223cstrike\u223c"],
    ["`code`", "\u02cbcode\u02cb"],
    ["```block```", "\u02cb\u02cb\u02cbblock\u02cb\u02cb\u02cb"],
    ["＊full-width bold＊", "\ufe61full-width bold\ufe61"],
    ["＿full-width italic＿", "\u2e0ffull-width italic\u2e0f"],
    ["｀full-width code｀", "\u02cbfull-width code\u02cb"],
  ])("swaps formatting marks for look-alikes: %j as %j", (text, escaped) => {
    expect(escapeSlackText(text)).toBe(escaped);
  });

  it.each(["invalid_client", "TOKEN_REQUEST_FAILED", "a_a", "z_z", "A_A", "Z_Z", "0_0", "9_9", "a*a", "Z*9"])(
    "keeps * and _ between two ASCII letters or digits, where Slack does not format: %j",
    (text) => {
      expect(escapeSlackText(text)).toBe(text);
    },
  );

  it.each([
    ["a_ b", "a\u02cd b"],
    ["a _b", "a \u02cdb"],
    ["a* b", "a\u2217 b"],
    ["a *b", "a \u2217b"],
    ["é_é", "é\u02cdé"],
    ["a~b", "a\u223cb"],
    ["a`b", "a\u02cbb"],
  ])("swaps a mark at a word's edge, or any ~ or backtick: %j as %j", (text, escaped) => {
    expect(escapeSlackText(text)).toBe(escaped);
  });

  it("keeps a value from closing the bold around a fact's name", () => {
    expect(`*${escapeSlackText("Job* *planted")}*`).toBe("*Job\u2217 \u2217planted*");
  });

  it.each([
    ["> quoted", "\u00ad&gt; quoted"],
    ["＞ quoted", "\u00ad＞ quoted"],
    [">>> quoted", "\u00ad&gt;&gt;&gt; quoted"],
    ["first\n> second\n> third", "first\n\u00ad&gt; second\n\u00ad&gt; third"],
    ["a > b", "a &gt; b"],
  ])("puts a soft hyphen before > at the start of a line, so it is no block quote: %j", (text, escaped) => {
    expect(escapeSlackText(text)).toBe(escaped);
  });

  it("escapes a planted link with formatting around it", () => {
    expect(escapeSlackText("*<https://evil.example/reset|Reset your password>* _now_ <!here>")).toBe(
      "\u2217&lt;https://evil.example/reset|Reset your password&gt;\u2217 \u02cdnow\u02cd &lt;!here&gt;",
    );
  });
});
