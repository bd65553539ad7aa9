import type { Alert } from "./Alert.js";
import { alertHeadline } from "./alertHeadline.js";
import { escapeSlackText } from "./escapeSlackText.js";

/**
 * A mrkdwn text object as sent here: always `verbatim`, so Slack does not turn bare URLs, `#channel` names or
 * mention-like words of untrusted text into links or mentions
 * (https://docs.slack.dev/reference/block-kit/composition-objects/text-object).
 */
interface MrkdwnText {
  type: "mrkdwn";
  text: string;
  verbatim: true;
}

/** Block Kit blocks used here. */
type SlackBlock =
  | { type: "header"; text: { type: "plain_text"; text: string; emoji: false } }
  | { type: "section"; text: MrkdwnText }
  | { type: "section"; fields: MrkdwnText[] }
  | { type: "context"; elements: MrkdwnText[] };

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
 * fields, and a context line with firing/resolved, the time and the dedupe key. Every part of the alert is shown as
 * written: in mrkdwn (the blocks and the top-level `text`, which Slack parses as mrkdwn too) it is escaped with
 * {@link escapeSlackText}, so an API's error text can become no link, mention or formatting. The header is
 * `plain_text`, which Slack shows without parsing markup or mentions, so it is sent as written.
 */
export function slackMessage(alert: Alert): SlackMessage {
  const headline = alertHeadline(alert);
  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: cut(headline, HEADER_CHARS), emoji: false } },
    { type: "section", text: mrkdwn(cutEscaped(escapeSlackText(alert.text), SECTION_CHARS)) },
  ];
  const facts = alert.facts.slice(0, MAX_FACTS);
  for (let i = 0; i < facts.length; i += FIELDS_PER_SECTION) {
    blocks.push({
      type: "section",
      fields: facts
        .slice(i, i + FIELDS_PER_SECTION)
        .map((fact) =>
          mrkdwn(cutEscaped(`*${escapeSlackText(fact.name)}*\n${escapeSlackText(fact.value)}`, FIELD_CHARS)),
        ),
    });
  }
  blocks.push({
    type: "context",
    elements: [
      mrkdwn(
        escapeSlackText(
          `${alert.kind === "resolved" ? "Resolved" : "Firing"} · ${alert.occurredAt} · ${alert.dedupeKey}`,
        ),
      ),
    ],
  });
  return {
    text: cutEscaped(`${escapeSlackText(headline)} — ${escapeSlackText(alert.text)}`, SECTION_CHARS),
    blocks,
  };
}

function mrkdwn(text: string): MrkdwnText {
  return { type: "mrkdwn", text, verbatim: true };
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * {@link cut} for escaped text, which is cut after escaping (the limits count what is sent): an entity the cut would
 * split (`&am`) is dropped whole rather than shown broken.
 */
function cutEscaped(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1).replace(/&[a-z]*$/, "")}…` : text;
}
