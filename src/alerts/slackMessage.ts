import type { Alert } from "./Alert.js";
import { alertHeadline } from "./alertHeadline.js";

/** Block Kit blocks used here. */
type SlackBlock =
  | { type: "header"; text: { type: "plain_text"; text: string; emoji: false } }
  | { type: "section"; text: { type: "mrkdwn"; text: string } }
  | { type: "section"; fields: { type: "mrkdwn"; text: string }[] }
  | { type: "context"; elements: { type: "mrkdwn"; text: string }[] };

/** What a Slack incoming webhook takes: `text` is the notification and fallback, `blocks` the message. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

// Block Kit limits: a header's text 150 characters, a section's text 3000, a section's fields 10 of 2000 each,
// 50 blocks per message.
const HEADER_CHARS = 150;
const SECTION_CHARS = 3000;
const FIELD_CHARS = 2000;
const FIELDS_PER_SECTION = 10;
const MAX_FACTS = 40;

/**
 * The Slack message for an alert: a header (severity and title), the text as mrkdwn, the facts as two-column
 * fields, and a context line with firing/resolved, the time and the dedupe key. Text is escaped (&, <, >), so
 * content from an API's error can never become a mention or a link.
 */
export function slackMessage(alert: Alert): SlackMessage {
  const headline = alertHeadline(alert);
  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: cut(headline, HEADER_CHARS), emoji: false } },
    { type: "section", text: { type: "mrkdwn", text: cut(escape(alert.text), SECTION_CHARS) } },
  ];
  const facts = alert.facts.slice(0, MAX_FACTS);
  for (let i = 0; i < facts.length; i += FIELDS_PER_SECTION) {
    blocks.push({
      type: "section",
      fields: facts.slice(i, i + FIELDS_PER_SECTION).map((fact) => ({
        type: "mrkdwn",
        text: cut(`*${escape(fact.name)}*\n${escape(fact.value)}`, FIELD_CHARS),
      })),
    });
  }
  blocks.push({
    type: "context",
    elements: [
      {
        type: "mrkdwn",
        text: escape(
          `${alert.kind === "resolved" ? "Resolved" : "Firing"} · ${alert.occurredAt} · ${alert.dedupeKey}`,
        ),
      },
    ],
  });
  return { text: cut(`${headline} — ${alert.text}`, SECTION_CHARS), blocks };
}

/** Slack's mrkdwn treats &, < and > as control characters: they must be sent as entities. */
function escape(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
