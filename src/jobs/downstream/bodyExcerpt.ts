import { scrubSecrets } from "../../net/scrubSecrets.js";

/** Characters of a failed response body kept in a run result and in messages. */
export const EXCERPT_CHARS = 1024;

/**
 * The first `maxChars` characters of a body as text (UTF-8, invalid bytes replaced), trimmed, with "…" when cut.
 * Null for an empty body. Each string in `redact` (the bearer token, should an API echo it) becomes "<redacted>", and
 * so does anything else that looks like a credential (scrubSecrets: JWTs, `Bearer …`, URLs' user info and queries).
 */
export function bodyExcerpt(
  data: Uint8Array,
  options: { maxChars?: number; redact?: readonly string[] } = {},
): string | null {
  const maxChars = options.maxChars ?? EXCERPT_CHARS;
  // The whole (capped) body is decoded so a secret that starts inside the excerpt is redacted in full.
  let text = new TextDecoder("utf-8").decode(data);
  for (const secret of options.redact ?? []) if (secret) text = text.split(secret).join("<redacted>");
  text = scrubSecrets(text).trim();
  if (!text) return null;
  const chars = Array.from(text);
  return chars.length > maxChars ? `${chars.slice(0, maxChars).join("")}…` : text;
}
