import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { issueServerTls } from "../../dev/pki/serverTls.js";
import { teamsChannel } from "../../src/alerts/teamsChannel.js";
import { startRecordingServer, type RecordingServer } from "./recordingServer.js";
import { sampleAlert } from "./sampleAlert.js";

// Over real HTTPS with the dev CA (run through dev/withDevCa.ts), as the channel talks to Power Automate.
let server: RecordingServer;
beforeAll(async () => {
  server = await startRecordingServer(await issueServerTls());
});
afterAll(() => server?.close());
beforeEach(() => server.reset());

/** The shape of a Workflows webhook URL: the secret is the `sig` query parameter. */
const workflowUrl = () =>
  `${server.origin}/workflows/0a1b2c3d4e5f67890a1b2c3d4e5f6789/triggers/manual/paths/invoke?api-version=1&sig=Zx9SecretSig0123456789`;

describe("teamsChannel", () => {
  it("POSTs a Workflows message with one Adaptive Card 1.4: headline, kind and time, text, facts", async () => {
    server.answerNext({ status: 202 });

    await teamsChannel({ webhookUrl: workflowUrl() }).send(sampleAlert());

    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request!.method).toBe("POST");
    expect(request!.url).toBe(new URL(workflowUrl()).pathname + new URL(workflowUrl()).search);
    expect(request!.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request!.body)).toEqual({
      type: "message",
      attachments: [
        {
          contentType: "application/vnd.microsoft.card.adaptive",
          contentUrl: null,
          content: {
            $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
            type: "AdaptiveCard",
            version: "1.4",
            msteams: { width: "Full" },
            body: [
              {
                type: "TextBlock",
                text: "CRITICAL: Job 'report-sync' has failed 3 runs in a row",
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
                text: "The API answered HTTP 503 Service Unavailable after 4 attempts.",
                wrap: true,
              },
              {
                type: "FactSet",
                facts: [
                  { title: "Job", value: "report-sync" },
                  { title: "HTTP status", value: "503" },
                  { title: "x-ms-request-id", value: "6f1c0d3e-8a7b-4c2d-9e1f-0a1b2c3d4e5f" },
                ],
              },
            ],
          },
        },
      ],
    });
  });

  it("shows a resolved alert as RESOLVED in green", async () => {
    server.answerNext({ status: 202 });

    await teamsChannel({ webhookUrl: workflowUrl() }).send(
      sampleAlert({ kind: "resolved", severity: "info", title: "Job 'report-sync' recovered" }),
    );

    const card = (JSON.parse(server.requests[0]!.body) as { attachments: { content: { body: unknown[] } }[] })
      .attachments[0]!.content;
    expect(card.body.slice(0, 2)).toEqual([
      expect.objectContaining({ text: "RESOLVED: Job 'report-sync' recovered", color: "Good" }),
      expect.objectContaining({ text: "Resolved · 2030-01-01T10:00:00.000Z" }),
    ]);
  });

  it("leaves the FactSet out when the alert has no facts", async () => {
    await teamsChannel({ webhookUrl: workflowUrl() }).send(sampleAlert({ facts: [] }));

    const card = (
      JSON.parse(server.requests[0]!.body) as { attachments: { content: { body: { type: string }[] } }[] }
    ).attachments[0]!.content;
    expect(card.body.map((element) => element.type)).toEqual(["TextBlock", "TextBlock", "TextBlock"]);
  });

  it("fails on a non-2xx answer, naming channel, status and answer but only the scheme and host of the URL", async () => {
    server.answerNext({
      status: 400,
      body: JSON.stringify({
        error: { code: "TriggerInputSchemaMismatch", message: "The input body does not match" },
      }),
    });

    const sending = teamsChannel({ name: "teams-ops", webhookUrl: workflowUrl() }).send(sampleAlert());

    await expect(sending).rejects.toMatchObject({
      name: "AlertChannelError",
      code: "ALERT_CHANNEL_REJECTED",
      channel: "teams-ops",
      status: 400,
      message:
        `Alert channel 'teams-ops' (${server.origin}) answered HTTP 400: ` +
        `{"error":{"code":"TriggerInputSchemaMismatch","message":"The input body does not match"}}. ` +
        "Check that the workflow behind M2M_ALERT_TEAMS_WEBHOOK_URL still exists and is turned on, that its " +
        "trigger allows 'Anyone' to call it, and that it posts attachments[0].content as an Adaptive Card.",
    });
    const error = await sending.then(
      () => new Error("expected a failure"),
      (e: unknown) => e as Error,
    );
    expect(JSON.stringify({ ...error, message: error.message })).not.toMatch(/workflows|sig=|Zx9SecretSig/);
  });
});
