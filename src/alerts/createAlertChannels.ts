import type { AlertConfig } from "../config/Config.js";
import type { AlertChannel } from "./Alert.js";
import { slackChannel } from "./slackChannel.js";
import { teamsChannel } from "./teamsChannel.js";
import { webhookChannel } from "./webhookChannel.js";

/** Every configured channel; alerts go to all of them. */
export function createAlertChannels(config: AlertConfig, fetchImpl?: typeof fetch): AlertChannel[] {
  const extra = fetchImpl ? { fetch: fetchImpl } : {};
  const channels: AlertChannel[] = [];
  if (config.teamsWebhookUrl) channels.push(teamsChannel({ webhookUrl: config.teamsWebhookUrl, ...extra }));
  if (config.slackWebhookUrl) channels.push(slackChannel({ webhookUrl: config.slackWebhookUrl, ...extra }));
  if (config.webhookUrl)
    channels.push(webhookChannel({ url: config.webhookUrl, secret: config.webhookSecret, ...extra }));
  return channels;
}
