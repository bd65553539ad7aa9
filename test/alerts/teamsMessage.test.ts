import { describe, expect, it } from "vitest";
import { teamsMessage } from "../../src/alerts/teamsMessage.js";
import { sampleAlert } from "./sampleAlert.js";

/** An alert whose job name, error excerpt, certificate subject and facts all carry planted markup. */
const planted = sampleAlert({
  subject: "job:[x](https://evil.example)",
  title: "Job '[x](https://evil.example) **now**' has failed 3 runs in a row",
  text: "The API answered HTTP 400: [click](https://evil.example) <at>Someone</at> &lt; **bold**\n- planted\n1. list",
  facts: [
    { name: "Job", value: "[x](https://evil.example) **now**" },
    { name: "Certificate subject", value: "CN=*.contoso.com, O=<at>Someone</at>" },
    { name: "Error", value: "<https://evil.example|click> <!channel> _now_ `code` ~~gone~~ invalid_client" },
    { name: "**Name**", value: "# heading" },
  ],
});

describe("teamsMessage", () => {
  it("shows planted links, mentions and Markdown as text in the TextBlocks and the FactSet", () => {
    expect(teamsMessage(planted).attachments[0].content.body).toEqual([
      {
        type: "TextBlock",
        text: "CRITICAL: Job '\\[x\\](https://evil.example) \\*\\*now\\*\\*' has failed 3 runs in a row",
        wrap: true,
        weight: "Bolder",
        size: "Medium",
        color: "Attention",
      },
      {
        type: "TextBlock",
        text: "Firing · 2030-01-01T10:00:00.000Z",
        wrap: true,
        isSubtle: true,
        spacing: "None",
      },
      {
        type: "TextBlock",
        text:
          "The API answered HTTP 400: \\[click\\](https://evil.example) \\<at\\>Someone\\</at\\> \\&lt; " +
          "\\*\\*bold\\*\\*\n\\- planted\n1\\. list",
        wrap: true,
      },
      {
        type: "FactSet",
        facts: [
          { title: "Job", value: "\\[x\\](https://evil.example) \\*\\*now\\*\\*" },
          { title: "Certificate subject", value: "CN=\\*.contoso.com, O=\\<at\\>Someone\\</at\\>" },
          {
            title: "Error",
            value:
              "\\<https://evil.example|click\\> \\<!channel\\> \\_now\\_ \\`code\\` \\~\\~gone\\~\\~ invalid_client",
          },
          { title: "\\*\\*Name\\*\\*", value: "\\# heading" },
        ],
      },
    ]);
  });

  it("sends no msteams.entities, so an <at> tag can never resolve to a mention", () => {
    expect(teamsMessage(planted).attachments[0].content.msteams).toEqual({ width: "Full" });
  });
});
