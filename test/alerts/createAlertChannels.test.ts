import { describe, expect, it } from "vitest";
import { createAlertChannels } from "../../src/alerts/createAlertChannels.js";

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
