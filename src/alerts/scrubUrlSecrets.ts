/** Query values at least this long are treated as secret (`sig=...`, `token=...`). */
const MIN_QUERY_SECRET_CHARS = 6;

/**
 * Whether a path segment may be a secret: ids and tokens are long or mix in digits (a Workflows id, a Slack token);
 * route words ("workflows", "triggers", "invoke", "services") are neither, and stay readable.
 */
function mayBeSecret(segment: string): boolean {
  return segment.length >= 16 || (segment.length >= 8 && /\d/.test(segment));
}

/**
 * `text` with every part of `url` that may be secret replaced by "<redacted>": the URL itself, its path and query,
 * path segments that look like ids or tokens, and query values (a bare `?token` is a value too). For text that came
 * from elsewhere (an error body, a network error) and may echo the URL.
 */
export function scrubUrlSecrets(text: string, url: string): string {
  const parsed = URL.parse(url);
  const secrets = new Set<string>([url]);
  if (parsed) {
    secrets.add(parsed.href);
    if (parsed.pathname.length > 1) secrets.add(parsed.pathname);
    // "" when there is no query (an empty "?" too); empty strings are dropped below.
    secrets.add(parsed.search);
    for (const segment of parsed.pathname.split("/")) {
      if (mayBeSecret(segment)) secrets.add(segment);
      if (mayBeSecret(decode(segment))) secrets.add(decode(segment));
    }
    for (const [, value] of parsed.searchParams) {
      if (value.length >= MIN_QUERY_SECRET_CHARS) secrets.add(value).add(encodeURIComponent(value));
    }
    // Values as written, too: `sig=ab+cd%2b` reads as "ab cd+", which encodes back as "ab%20cd%2B", not as written.
    for (const part of parsed.search.slice(1).split("&")) {
      const written = part.slice(part.indexOf("=") + 1);
      if (written.length >= MIN_QUERY_SECRET_CHARS) secrets.add(written);
    }
  }
  // Longest first, so a path is replaced whole before its segments are. An empty string would match everywhere.
  const ordered = [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  let scrubbed = text;
  for (const secret of ordered) scrubbed = scrubbed.split(secret).join("<redacted>");
  return scrubbed;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
