/**
 * Look-alikes for Slack mrkdwn's formatting marks. Slack has no escape for them (a backslash is shown as it is), so
 * a mark in untrusted text is swapped for a character that looks the same and formats nothing, as jsx-slack's
 * `<Escape>` does (https://github.com/yhatt/jsx-slack/blob/main/docs/about-escape-and-exact-mode.md). A zero-width
 * space would not do: Slack reads it as a word edge, so it makes formatting start rather than stop.
 */
const LOOK_ALIKES: Readonly<Record<string, string>> = {
  "*": "\u2217", // ∗ asterisk operator
  "＊": "\ufe61", // ﹡ small asterisk
  _: "\u02cd", // ˍ modifier letter low macron
  "＿": "\u2e0f", // ⸏ paragraphos
  "~": "\u223c", // ∼ tilde operator
  "`": "\u02cb", // ˋ modifier letter grave accent
  "｀": "\u02cb",
};

/**
 * The marks that can format. Slack formats `*bold*` and `_italic_` only at word edges (`snake_case_name` and
 * `a*b*c` stay as they are), so `*` and `_` between two ASCII letters or digits are kept: error codes and
 * identifiers (`invalid_client`, `TOKEN_REQUEST_FAILED`) stay exact for copying and searching. `~`, backticks and
 * the full-width marks are always swapped.
 */
const FORMATTING_MARK = /(?<![A-Za-z0-9])[*_]|[*_](?![A-Za-z0-9])|[＊＿~`｀]/g;

/**
 * `>` (sent as `&gt;`) or `＞` at the start of a line makes a block quote; a soft hyphen (invisible) in front of it
 * keeps it text.
 */
const QUOTE_AT_LINE_START = /^(?=&gt;|＞)/gm;

/**
 * Untrusted text (an API's error excerpt, a job name, a certificate subject, any fact) made safe for Slack mrkdwn —
 * blocks' `mrkdwn` text objects and the message's top-level `text`, which Slack also parses as mrkdwn: shown as
 * written, it can plant no link, mention or formatting.
 *
 * - `&`, `<` and `>` become `&amp;`, `&lt;` and `&gt;`, as Slack requires of text not meant for its parser
 *   (https://docs.slack.dev/messaging/formatting-message-text, "Escaping text"): `<https://x|click>`, `<!channel>`,
 *   `<!here>`, `<@U123>`, `<#C123>`, `<!subteam^…>` and `<!date^…>` are shown as text; a pre-escaped `&lt;` is
 *   shown as `&lt;`.
 * - Formatting marks (`*`, `_`, `~`, backticks) are swapped for look-alikes (see {@link FORMATTING_MARK}), so a value
 *   cannot close the bold around a fact's name or fake emphasis, strikes or code.
 * - A line-leading `>` gets an invisible soft hyphen in front, so it is not a block quote.
 *
 * Not done here: bare URLs and `#channel` names are auto-linked only in text objects without `verbatim: true`
 * (https://docs.slack.dev/reference/block-kit/composition-objects/text-object), which slackMessage sets; plain
 * `@channel`/`@here` are words unless a message sets `link_names`, which it does not.
 */
export function escapeSlackText(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replace(FORMATTING_MARK, (mark) => LOOK_ALIKES[mark] ?? mark)
    .replace(QUOTE_AT_LINE_START, "\u00ad");
}
