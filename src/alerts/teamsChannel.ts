import type { Alert, AlertChannel } from "./Alert.js";
import { postJson } from "./postJson.js";

const COLOR = { info: "Good", warning: "Warning", critical: "Attention" } as const;

/**
 * Microsoft Teams through a Workflows webhook ("Post to a channel when a webhook request is received"): a message
 * with one Adaptive Card attachment. The workflow answers 202 Accepted.
 */
export function teamsChannel(options: {
  webhookUrl: string;
  name?: string;
  fetch?: typeof fetch;
}): AlertChannel {
  const name = options.name ?? "teams";
  return {
    name,
    send: (alert, signal) =>
      postJson(name, options.webhookUrl, JSON.stringify(teamsMessage(alert)), {
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(signal ? { signal } : {}),
      }),
  };
}

/** The Workflows webhook payload for an alert. */
export function teamsMessage(alert: Alert) {
  const resolved = alert.kind === "resolved";
  return {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.4",
          body: [
            {
              type: "TextBlock",
              size: "Medium",
              weight: "Bolder",
              wrap: true,
              color: resolved ? "Good" : COLOR[alert.severity],
              text: `${resolved ? "✅ Resolved" : alert.severity === "critical" ? "🔴 Critical" : alert.severity === "warning" ? "🟠 Warning" : "ℹ️ Info"}: ${alert.title}`,
            },
            { type: "TextBlock", wrap: true, text: alert.text },
            { type: "FactSet", facts: alert.facts.map((fact) => ({ title: fact.name, value: fact.value })) },
            {
              type: "TextBlock",
              isSubtle: true,
              size: "Small",
              wrap: true,
              text: `${alert.occurredAt} · ${alert.dedupeKey}`,
            },
          ],
        },
      },
    ],
  };
}
