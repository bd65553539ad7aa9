import { isLoopbackHost } from "../net/isLoopbackHost.js";
import type { AlertConfig } from "./Config.js";
import type { SettingReader } from "./createSettingReader.js";
import { settings, type SettingDoc } from "./settings.js";

/**
 * The channels alerts go to: Teams, Slack and a generic webhook (https; plain http only to a loopback host, for local
 * development), with the generic webhook's secret. Every webhook URL is a secret (its path or query is the key): a
 * problem says what is wrong with it, never what it is.
 */
export function readAlertChannels(reader: SettingReader): Omit<AlertConfig, "afterFailures"> {
  const webhook = (doc: SettingDoc): string | null => {
    const value = reader.read(doc);
    if (value === undefined) return null;
    const why = webhookUrlProblem(value);
    if (why === null) return new URL(value).href;
    reader.invalid(doc, value, why);
    return null;
  };
  return {
    teamsWebhookUrl: webhook(settings.teamsWebhookUrl),
    slackWebhookUrl: webhook(settings.slackWebhookUrl),
    webhookUrl: webhook(settings.webhookUrl),
    webhookSecret: reader.read(settings.webhookSecret) ?? null,
  };
}

/** What is wrong with a webhook URL, in words that do not quote it; null when nothing is. */
function webhookUrlProblem(value: string): string | null {
  const url = URL.parse(value);
  if (!url) return "not an absolute URL";
  if (url.protocol === "http:") {
    if (!isLoopbackHost(url.hostname)) return "plain http only to this machine (localhost)";
  } else if (url.protocol !== "https:") {
    return `the scheme is ${url.protocol.slice(0, -1)}, not https`;
  }
  // fetch refuses a URL with credentials (and its error would quote them).
  if (url.username || url.password) return "no user name or password in the URL";
  return null;
}
