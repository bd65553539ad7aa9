import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { slackChannel } from "../../src/alerts/slackChannel.js";
import { startRecordingServer, type RecordingServer } from "./recordingServer.js";
import { sampleAlert } from "./sampleAlert.js";

let server: RecordingServer;
beforeAll(async () => {
  server = await startRecordingServer();
});
afterAll(() => server?.close());
beforeEach(() => server.reset());

/** The shape of a Slack incoming webhook URL: the whole path is the secret. */
const hookUrl = () => `${server.origin}/services/T0001/B0002/XXsecretXXtokenXX`;

describe("slackChannel", () => {
  it("POSTs a text fallback and blocks: header, verbatim mrkdwn section, facts as fields, context", async () => {
    await slackChannel({ webhookUrl: hookUrl() }).send(sampleAlert());

    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.url).toBe("/services/T0001/B0002/XXsecretXXtokenXX");
    expect(JSON.parse(server.requests[0]!.body)).toEqual({
      text:
        "CRITICAL: Job 'report-sync' has failed 3 runs in a row — The API answered HTTP 503 Service Unavailable " +
        "after 4 attempts.",
      blocks: [
        {
          type: "header",
          text: {
            type: "plain_text",
            text: "CRITICAL: Job 'report-sync' has failed 3 runs in a row",
            emoji: false,
          },
        },
        {
          type: "section",
          text: {
            type: "mrkdwn",
            text: "The API answered HTTP 503 Service Unavailable after 4 attempts.",
            verbatim: true,
          },
        },
        {
          type: "section",
          fields: [
            { type: "mrkdwn", text: "*Job*\nreport-sync", verbatim: true },
            { type: "mrkdwn", text: "*HTTP status*\n503", verbatim: true },
            {
              type: "mrkdwn",
              text: "*x-ms-request-id*\n6f1c0d3e-8a7b-4c2d-9e1f-0a1b2c3d4e5f",
              verbatim: true,
            },
          ],
        },
        {
          type: "context",
          elements: [
            {
              type: "mrkdwn",
              text: "Firing · 2030-01-01T10:00:00.000Z · job:report-sync:firing:after:2030-01-01T09:00:00.000Z",
              verbatim: true,
            },
          ],
        },
      ],
    });
  });

  it("escapes &, < and > so an API's error text cannot become a mention or a link, top-level text included", async () => {
    await slackChannel({ webhookUrl: hookUrl() }).send(
      sampleAlert({ text: "<!channel> said <https://evil.example|click> & left", facts: [] }),
    );

    const { text, blocks } = JSON.parse(server.requests[0]!.body) as {
      text: string;
      blocks: { text?: { text: string } }[];
    };
    expect(blocks[1]!.text!.text).toBe("&lt;!channel&gt; said &lt;https://evil.example|click&gt; &amp; left");
    expect(text).toBe(
      "CRITICAL: Job 'report-sync' has failed 3 runs in a row — " +
        "&lt;!channel&gt; said &lt;https://evil.example|click&gt; &amp; left",
    );
  });

  it("keeps within Block Kit limits: header 150 characters, 10 fields per section", async () => {
    const facts = Array.from({ length: 12 }, (_, i) => ({ name: `Fact ${i + 1}`, value: String(i + 1) }));
    await slackChannel({ webhookUrl: hookUrl() }).send(sampleAlert({ title: "x".repeat(200), facts }));

    const { blocks } = JSON.parse(server.requests[0]!.body) as {
      blocks: { type: string; text?: { text: string }; fields?: unknown[] }[];
    };
    expect(blocks[0]!.text!.text).toHaveLength(150);
    expect(blocks.map((b) => b.fields?.length ?? b.type)).toEqual(["header", "section", 10, 2, "context"]);
  });

  it.each([
    [200, "invalid_payload"],
    [404, "no_service"],
    [410, "channel_is_archived"],
  ])(
    "fails when Slack answers %i %s (only 200 'ok' is success), without the URL's path",
    async (status, body) => {
      server.answerNext({ status, body });

      const error = await slackChannel({ webhookUrl: hookUrl() })
        .send(sampleAlert())
        .then(
          () => new Error("expected a failure"),
          (e: unknown) => e as Error,
        );

      expect(error).toMatchObject({ code: "ALERT_CHANNEL_REJECTED", channel: "slack", status });
      expect(error.message).toContain(
        `Alert channel 'slack' (${server.origin}) answered HTTP ${status}: ${body}. Slack's answer names the problem`,
      );
      expect(error.message).not.toMatch(/services|T0001|XXsecret/);
    },
  );
});
