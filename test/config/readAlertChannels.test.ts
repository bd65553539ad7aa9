import { describe, expect, it } from "vitest";
import { createSettingReader } from "../../src/config/createSettingReader.js";
import { readAlertChannels } from "../../src/config/readAlertChannels.js";

function read(env: Record<string, string>) {
  const reader = createSettingReader(env);
  return { value: readAlertChannels(reader), problems: reader.problems };
}

describe("readAlertChannels", () => {
  it("has no channel by default", () => {
    expect(read({})).toEqual({
      value: { teamsWebhookUrl: null, slackWebhookUrl: null, webhookUrl: null, webhookSecret: null },
      problems: [],
    });
  });

  it("reads every channel at once, URLs as parsed", () => {
    expect(
      read({
        M2M_ALERT_TEAMS_WEBHOOK_URL: "https://prod.westeurope.logic.azure.com/workflows/1?sig=x",
        M2M_ALERT_SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T/B/X",
        M2M_ALERT_WEBHOOK_URL: "https://alerts.example",
        M2M_ALERT_WEBHOOK_SECRET: "hmac-secret",
      }),
    ).toEqual({
      value: {
        teamsWebhookUrl: "https://prod.westeurope.logic.azure.com/workflows/1?sig=x",
        slackWebhookUrl: "https://hooks.slack.com/services/T/B/X",
        webhookUrl: "https://alerts.example/",
        webhookSecret: "hmac-secret",
      },
      problems: [],
    });
  });

  it.each(["http://127.0.0.1:7071/hook", "http://localhost/hook", "http://[::1]:8080/hook"])(
    "accepts plain http to the loopback host %s (local development)",
    (url) => {
      expect(read({ M2M_ALERT_WEBHOOK_URL: url })).toEqual({
        value: expect.objectContaining({ webhookUrl: url }) as unknown,
        problems: [],
      });
    },
  );

  it("refuses plain http elsewhere, other schemes and anything not a URL, saying why but never showing a webhook URL", () => {
    expect(
      read({
        M2M_ALERT_TEAMS_WEBHOOK_URL: "http://teams.example/x",
        M2M_ALERT_SLACK_WEBHOOK_URL: "hooks.slack.com/services/T/B/X",
        M2M_ALERT_WEBHOOK_URL: "ftp://127.0.0.1/alerts?token=abc",
      }),
    ).toEqual({
      value: { teamsWebhookUrl: null, slackWebhookUrl: null, webhookUrl: null, webhookSecret: null },
      problems: [
        'M2M_ALERT_TEAMS_WEBHOOK_URL: expected https URL of a Teams Workflows webhook ("Post to a channel when a webhook request is received") (plain http only to this machine (localhost)); got <redacted>',
        "M2M_ALERT_SLACK_WEBHOOK_URL: expected https URL of a Slack incoming webhook (not an absolute URL); got <redacted>",
        "M2M_ALERT_WEBHOOK_URL: expected https URL receiving alerts as JSON (the scheme is ftp, not https); got <redacted>",
      ],
    });
  });

  it.each(["https://ops:hunter2@alerts.example/hook", "http://ops@127.0.0.1:7071/hook"])(
    "refuses the webhook URL %s, which has a user name or password, without echoing it",
    (url) => {
      expect(read({ M2M_ALERT_WEBHOOK_URL: url })).toEqual({
        value: expect.objectContaining({ webhookUrl: null }) as unknown,
        problems: [
          "M2M_ALERT_WEBHOOK_URL: expected https URL receiving alerts as JSON (no user name or password in the URL); got <redacted>",
        ],
      });
    },
  );
});
