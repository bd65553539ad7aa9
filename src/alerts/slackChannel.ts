import { withinDeadline } from "../clock/withinDeadline.js";
import type { AlertChannel } from "./Alert.js";
import type { ChannelHttpOptions } from "./ChannelHttpOptions.js";
import { checkChannelName } from "./checkChannelName.js";
import { postAlert } from "./postAlert.js";
import { slackMessage } from "./slackMessage.js";

/**
 * Slack through an incoming webhook. Slack answers 200 with the body `ok` when it posts the message, and an error
 * word otherwise (`invalid_payload`, `no_service`, `channel_is_archived`, ...), which the error quotes.
 */
export function slackChannel(
  options: { name?: string; webhookUrl: string } & ChannelHttpOptions,
): AlertChannel {
  const name = checkChannelName(options.name ?? "slack");
  return {
    name,
    send: (alert, deadline) =>
      withinDeadline(deadline, "the Slack webhook", (signal) =>
        postAlert(
          {
            channel: name,
            url: options.webhookUrl,
            body: JSON.stringify(slackMessage(alert)),
            accepted: (status, body) => status === 200 && body.trim() === "ok",
            hint:
              "Slack's answer names the problem: no_service or invalid_token means the webhook was removed — create " +
              "a new one and set M2M_ALERT_SLACK_WEBHOOK_URL; channel_is_archived means the channel is gone.",
          },
          options,
          signal,
        ),
      ),
  };
}
