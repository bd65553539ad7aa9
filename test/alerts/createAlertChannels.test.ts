import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAlertChannels } from "../../src/alerts/createAlertChannels.js";
import { captureTelemetry, type TelemetryCapture } from "../support/telemetryCapture.js";
import { startRecordingServer, type RecordingServer } from "./recordingServer.js";
import { sampleAlert } from "./sampleAlert.js";

const none = { teamsWebhookUrl: null, slackWebhookUrl: null, webhookUrl: null, webhookSecret: null };

describe("createAlertChannels", () => {
  it("has no channel when none is configured", () => {
    expect(createAlertChannels(none)).toEqual([]);
  });

  it("makes every configured channel, several at once, named as the ledger tracks them", () => {
    const channels = createAlertChannels({
      teamsWebhookUrl:
        "https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=x",
      slackWebhookUrl: "https://hooks.slack.com/services/T/B/secret",
      webhookUrl: "https://alerts.example/m2m",
      webhookSecret: "s",
    });

    expect(channels.map((channel) => channel.name)).toEqual(["teams", "slack", "webhook"]);
  });

  it("sends through the fetch it is given, to each channel", async () => {
    const urls: string[] = [];
    const channels = createAlertChannels({
      ...none,
      slackWebhookUrl: "https://hooks.slack.com/services/T/B/secret",
      webhookUrl: "https://alerts.example/m2m",
      fetch: (url) => {
        urls.push(url);
        return Promise.resolve(new Response("ok", { status: 200 }));
      },
    });

    for (const channel of channels) {
      await channel.send({
        subject: "job:x",
        kind: "firing",
        severity: "warning",
        title: "t",
        text: "x",
        facts: [],
        dedupeKey: "job:x:firing:after:none",
        occurredAt: "2030-01-01T10:00:00.000Z",
      });
    }

    expect(urls).toEqual(["https://hooks.slack.com/services/T/B/secret", "https://alerts.example/m2m"]);
  });
});

describe("createAlertChannels' delivery count", () => {
  let server: RecordingServer;
  let telemetry: TelemetryCapture;
  beforeAll(async () => {
    server = await startRecordingServer();
  });
  afterAll(() => server?.close());
  beforeEach(() => {
    server.reset();
    telemetry = captureTelemetry();
  });
  afterEach(async () => {
    await telemetry.stop();
  });

  it("counts every send by channel and outcome, sent or failed, and throws a failure on", async () => {
    const channels = createAlertChannels({
      ...none,
      slackWebhookUrl: `${server.origin}/slack/T0/B0/secret`,
      webhookUrl: `${server.origin}/webhook`,
      timeoutMs: 2_000,
    });
    const [slack, webhook] = channels;

    await slack!.send(sampleAlert());
    await slack!.send(sampleAlert());
    server.answerNext({ status: 503, body: "down" });
    await expect(webhook!.send(sampleAlert())).rejects.toMatchObject({ code: "ALERT_CHANNEL_REJECTED" });
    await webhook!.send(sampleAlert());

    const points = (await telemetry.points()).filter((p) => p.name === "m2m.alert.deliveries");
    expect(points.map((p) => [p.attributes, p.value])).toEqual([
      [{ "m2m.alert.channel": "slack", "m2m.outcome": "sent" }, 2],
      [{ "m2m.alert.channel": "webhook", "m2m.outcome": "failed" }, 1],
      [{ "m2m.alert.channel": "webhook", "m2m.outcome": "sent" }, 1],
    ]);
  });
});
