import { describe, expect, it } from "vitest";
import { slackMessage } from "../../src/alerts/slackMessage.js";
import { sampleAlert } from "./sampleAlert.js";

/** An alert whose job name, error excerpt, certificate subject and facts all carry planted markup. */
const planted = sampleAlert({
  subject: "job:<!channel> *x*",
  title: "Job '<!channel> *x*' has failed 3 runs in a row",
  text: "The API answered HTTP 400: <https://evil.example|click> <@U123> &lt; **bold** https://evil.example/x",
  facts: [
    { name: "Job", value: "<!channel> *x*" },
    { name: "Certificate subject", value: "CN=*.contoso.com, O=<!here>" },
    { name: "Error", value: "[click](https://evil.example) _now_ <at>Someone</at> `code` ~gone~" },
    { name: "Name*\n*<@U1>", value: "invalid_client" },
  ],
  dedupeKey: "job:<!channel> *x*:firing:after:2030-01-01T09:00:00.000Z",
});

describe("slackMessage", () => {
  it("shows planted links, mentions and formatting as text in every part of the message", () => {
    expect(slackMessage(planted)).toEqual({
      text:
        "CRITICAL: Job '&lt;!channel&gt; \u2217x\u2217' has failed 3 runs in a row — The API answered HTTP 400: " +
        "&lt;https://evil.example|click&gt; &lt;@U123&gt; &amp;lt; \u2217\u2217bold\u2217\u2217 https://evil.example/x",
      blocks: [
        {
          type: "header",
          text: {
            type: "plain_text",
            text: "CRITICAL: Job '<!channel> *x*' has failed 3 runs in a row",
            emoji: false,
          },
        },
        {
          type: "section",
          text: {
            type: "mrkdwn",
            text:
              "The API answered HTTP 400: &lt;https://evil.example|click&gt; &lt;@U123&gt; &amp;lt; " +
              "\u2217\u2217bold\u2217\u2217 https://evil.example/x",
            verbatim: true,
          },
        },
        {
          type: "section",
          fields: [
            { type: "mrkdwn", text: "*Job*\n&lt;!channel&gt; \u2217x\u2217", verbatim: true },
            {
              type: "mrkdwn",
              text: "*Certificate subject*\nCN=\u2217.contoso.com, O=&lt;!here&gt;",
              verbatim: true,
            },
            {
              type: "mrkdwn",
              text:
                "*Error*\n[click](https://evil.example) \u02cdnow\u02cd &lt;at&gt;Someone&lt;/at&gt; " +
                "\u02cbcode\u02cb \u223cgone\u223c",
              verbatim: true,
            },
            { type: "mrkdwn", text: "*Name\u2217\n\u2217&lt;@U1&gt;*\ninvalid_client", verbatim: true },
          ],
        },
        {
          type: "context",
          elements: [
            {
              type: "mrkdwn",
              text:
                "Firing · 2030-01-01T10:00:00.000Z · " +
                "job:&lt;!channel&gt; \u2217x\u2217:firing:after:2030-01-01T09:00:00.000Z",
              verbatim: true,
            },
          ],
        },
      ],
    });
  });

  it("marks every mrkdwn text verbatim, so Slack links no bare URL, #channel or @name", () => {
    const texts = slackMessage(sampleAlert()).blocks.flatMap((block) =>
      "fields" in block ? block.fields : "elements" in block ? block.elements : [block.text],
    );
    expect(texts.map((t) => [t.type, "verbatim" in t ? t.verbatim : "absent"])).toEqual([
      ["plain_text", "absent"],
      ["mrkdwn", true],
      ["mrkdwn", true],
      ["mrkdwn", true],
      ["mrkdwn", true],
      ["mrkdwn", true],
    ]);
  });

  it("keeps escaped text within 3000 characters, counting the entities", () => {
    const fits = "a".repeat(2995) + "&";
    expect(slackMessage(sampleAlert({ text: fits })).blocks[1]).toEqual({
      type: "section",
      text: { type: "mrkdwn", text: `${"a".repeat(2995)}&amp;`, verbatim: true },
    });
  });

  it("drops an entity the cut would split instead of sending half of it", () => {
    const message = slackMessage(sampleAlert({ text: `${"a".repeat(2998)}&` }));
    expect(message.blocks[1]).toEqual({
      type: "section",
      text: { type: "mrkdwn", text: `${"a".repeat(2998)}…`, verbatim: true },
    });
  });

  it("keeps an entity that ends just before the cut", () => {
    const message = slackMessage(sampleAlert({ text: `${"a".repeat(2994)}&bb` }));
    expect(message.blocks[1]).toEqual({
      type: "section",
      text: { type: "mrkdwn", text: `${"a".repeat(2994)}&amp;…`, verbatim: true },
    });
  });

  it("cuts the header as written, an ampersand included (plain_text has no entities to split)", () => {
    const message = slackMessage(sampleAlert({ title: `${"t".repeat(138)}&b and more` }));
    expect(message.blocks[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: `CRITICAL: ${"t".repeat(138)}&…`, emoji: false },
    });
  });
});
