/**
 * Characters that start markup anywhere in a line, each backslash-escaped (CommonMark lets any ASCII punctuation be
 * escaped, https://spec.commonmark.org/0.31.2/#backslash-escapes): the backslash itself, `*` (bold and emphasis,
 * also between letters), `[` `]` (links, images), `<` `>` (autolinks, HTML, `<at>` mentions), `&` (entities, so a
 * pre-escaped `&lt;` is shown as written), backticks (code) and `~` (strikethrough). `_` makes emphasis only at a
 * word's edge, so it is escaped only there: `invalid_client` and `TOKEN_REQUEST_FAILED` stay as written.
 */
const INLINE_MARKUP = /[\\*[\]<>&`~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g;

/** `-`, `+` (bullets) and `#` (headings) at the start of a line, after any indentation. */
const BLOCK_MARK = /^([ \t]*)([-+#])/gm;

/** `1.` or `1)` (a numbered list) at the start of a line: the `.` or `)` is escaped. */
const NUMBERED_ITEM = /^([ \t]*\d+)([.)])/gm;

/**
 * Untrusted text (an API's error excerpt, a job name, a certificate subject, any fact) made safe for an Adaptive
 * Card's TextBlock or a FactSet's title and value, which Teams reads as Markdown
 * (https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format: bold, italic,
 * lists and `[title](url)` links): shown as written, it can plant no link or formatting.
 *
 * `<at>name</at>` is a mention only with a matching `msteams.entities` entry, which teamsMessage never sends; its
 * `<` and `>` are escaped anyway. HTML is not rendered in Adaptive Cards. Bare URLs are left as they are: Teams may
 * make them links, but such a link shows where it goes (the disguised `[click](https://…)` is what is refused).
 * Lines stay lines: `\n` and `\r` are kept.
 */
export function escapeTeamsMarkdown(text: string): string {
  return text.replace(INLINE_MARKUP, "\\$&").replace(BLOCK_MARK, "$1\\$2").replace(NUMBERED_ITEM, "$1\\$2");
}
