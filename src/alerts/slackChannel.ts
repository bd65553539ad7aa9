import type { Alert, AlertChannel } from "./Alert.js";
import { postJson } from "./postJson.js";

/** Slack through an incoming webhook: Block Kit with a plain-text fallback. Slack answers 200 "ok". */
export function slackChannel(options: {
  webhookUrl: string;
  name?: string;
  fetch?: typeof fetch;
}): AlertChannel {
  const name = options.name ?? "slack";
  return {
    name,
    send: (alert, signal) =>
      postJson(name, options.webhookUrl, JSON.stringify(slackMessage(alert)), {
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(signal ? { signal } : {}),
        accept: (status, text) => status === 200 && text.trim() === "ok",
      }),
  };
}

/** The incoming-webhook payload for an alert. */
export function slackMessage(alert: Alert) {
  const icon =
    alert.kind === "resolved"
      ? ":white_check_mark:"
      : alert.severity === "critical"
        ? ":red_circle:"
        : alert.severity === "warning"
          ? ":large_orange_circle:"
          : ":information_source:";
  const title = `${alert.kind === "resolved" ? "Resolved" : alert.severity.toUpperCase()}: ${alert.title}`;
  return {
    text: `${title} — ${alert.text}`,
    blocks: [
      { type: "header", text: { type: "plain_text", text: title.slice(0, 150), emoji: true } },
      { type: "section", text: { type: "mrkdwn", text: `${icon} ${alert.text}` } },
      ...(alert.facts.length
        ? [
            {
              type: "section",
              fields: alert.facts
                .slice(0, 10)
                .map((f) => ({ type: "mrkdwn", text: `*${f.name}*\n${f.value}` })),
            },
          ]
        : []),
      { type: "context", elements: [{ type: "mrkdwn", text: `${alert.occurredAt} · ${alert.dedupeKey}` }] },
    ],
  };
}
