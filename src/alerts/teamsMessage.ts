import type { Alert } from "./Alert.js";
import { alertHeadline } from "./alertHeadline.js";
import { escapeTeamsMarkdown } from "./escapeTeamsMarkdown.js";

/** Adaptive Card elements used here (schema 1.4, which Teams renders). */
type CardElement =
  | {
      type: "TextBlock";
      text: string;
      wrap: true;
      weight?: "Bolder";
      size?: "Medium";
      color?: "Attention" | "Warning" | "Accent" | "Good";
      isSubtle?: true;
      spacing?: "None";
    }
  | { type: "FactSet"; facts: { title: string; value: string }[] };

/** What a Teams Workflows webhook ("Send webhook alerts to a channel") takes: a message with one Adaptive Card. */
export interface TeamsMessage {
  type: "message";
  attachments: [
    {
      contentType: "application/vnd.microsoft.card.adaptive";
      contentUrl: null;
      content: {
        $schema: "http://adaptivecards.io/schemas/adaptive-card.json";
        type: "AdaptiveCard";
        version: "1.4";
        msteams: { width: "Full" };
        body: CardElement[];
      };
    },
  ];
}

const COLOR = { critical: "Attention", warning: "Warning", info: "Accent" } as const;

/**
 * The Teams message for an alert: headline (severity and title, coloured), a subtle line with firing/resolved and
 * the time, the text, and the facts as a FactSet. The workflow template posts `attachments[0].content` as the card.
 * Teams reads TextBlocks and facts as Markdown, so every part of the alert is escaped with
 * {@link escapeTeamsMarkdown}: an API's error text is shown as written and can become no link or formatting.
 */
export function teamsMessage(alert: Alert): TeamsMessage {
  const body: CardElement[] = [
    {
      type: "TextBlock",
      text: escapeTeamsMarkdown(alertHeadline(alert)),
      wrap: true,
      weight: "Bolder",
      size: "Medium",
      color: alert.kind === "resolved" ? "Good" : COLOR[alert.severity],
    },
    {
      type: "TextBlock",
      text: `${alert.kind === "resolved" ? "Resolved" : "Firing"} · ${escapeTeamsMarkdown(alert.occurredAt)}`,
      wrap: true,
      isSubtle: true,
      spacing: "None",
    },
    { type: "TextBlock", text: escapeTeamsMarkdown(alert.text), wrap: true },
  ];
  if (alert.facts.length > 0) {
    body.push({
      type: "FactSet",
      facts: alert.facts.map((f) => ({
        title: escapeTeamsMarkdown(f.name),
        value: escapeTeamsMarkdown(f.value),
      })),
    });
  }
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
          msteams: { width: "Full" },
          body,
        },
      },
    ],
  };
}
