import { isLoopbackHost } from "../net/isLoopbackHost.js";
import type { AlertConfig } from "./Config.js";
import type { SettingReader } from "./createSettingReader.js";
import { settings, type SettingDoc } from "./settings.js";

/**
 * The channels alerts go to: Teams, Slack and a generic webhook (https; plain http only to a loopback host, for local
 * development), with the generic webhook's secret.
 */
export function readAlertChannels(reader: SettingReader): Omit<AlertConfig, "afterFailures"> {
  const webhook = (doc: SettingDoc): string | null => {
    const value = reader.read(doc);
    if (value === undefined) return null;
    const url = URL.parse(value);
    if (url && (url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname)))) {
      return url.href;
    }
    reader.invalid(doc, value);
    return null;
  };
  return {
    teamsWebhookUrl: webhook(settings.teamsWebhookUrl),
    slackWebhookUrl: webhook(settings.slackWebhookUrl),
    webhookUrl: webhook(settings.webhookUrl),
    webhookSecret: reader.read(settings.webhookSecret) ?? null,
  };
}
