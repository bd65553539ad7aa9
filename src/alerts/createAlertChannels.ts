import type { Clock } from "../clock/Clock.js";
import type { AppMetrics } from "../telemetry/AppMetrics.js";
import { appMetrics } from "../telemetry/appMeter.js";
import type { AlertChannel } from "./Alert.js";
import type { FetchLike } from "./ChannelHttpOptions.js";
import { measuredChannel } from "./measuredChannel.js";
import { slackChannel } from "./slackChannel.js";
import { teamsChannel } from "./teamsChannel.js";
import { webhookChannel } from "./webhookChannel.js";

/** The alert settings (as Config.alerts holds them) and how the channels talk HTTP. */
export interface AlertChannelOptions {
  teamsWebhookUrl: string | null;
  slackWebhookUrl: string | null;
  webhookUrl: string | null;
  webhookSecret: string | null;
  fetch?: FetchLike;
  timeoutMs?: number;
  clock?: Clock;
  /** Counts each send by channel and result. Default: the app's metrics (no-ops when telemetry is off). */
  metrics?: AppMetrics;
}

/**
 * Every configured channel, named "teams", "slack" and "webhook" (the names the ledger tracks deliveries by), each
 * send counted (see measuredChannel). None configured = an empty list: states are still kept, nobody is told.
 */
export function createAlertChannels(options: AlertChannelOptions): AlertChannel[] {
  const http = {
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  };
  const channels: AlertChannel[] = [];
  if (options.teamsWebhookUrl) channels.push(teamsChannel({ webhookUrl: options.teamsWebhookUrl, ...http }));
  if (options.slackWebhookUrl) channels.push(slackChannel({ webhookUrl: options.slackWebhookUrl, ...http }));
  if (options.webhookUrl) {
    channels.push(
      webhookChannel({
        url: options.webhookUrl,
        secret: options.webhookSecret,
        ...(options.clock ? { clock: options.clock } : {}),
        ...http,
      }),
    );
  }
  const metrics = options.metrics ?? appMetrics();
  return channels.map((channel) => measuredChannel(channel, metrics));
}
