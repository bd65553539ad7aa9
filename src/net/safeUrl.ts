/** What stands in for a removed query: the reader learns the URL had one, never what it said. */
export const QUERY_REMOVED = "?<query removed>";
/** What stands in for a removed fragment (`#access_token=…` in OAuth's implicit flow). */
export const FRAGMENT_REMOVED = "#<fragment removed>";

/**
 * A URL as it may be shown in an error, a log line, a run record or an alert: scheme, host (with port) and path,
 * without user name, password, query or fragment. A removed query or fragment is marked
 * (`https://api.example/v1/items?<query removed>`, `…#<fragment removed>`), so a reader learns why a URL was refused:
 * queries carry API keys, SAS signatures (`sig=`) and function keys (`code=`); user info is a password, dropped without
 * a mark. With `path: false`, scheme and host only — for
 * URLs whose path is itself the secret (Teams Workflows and Slack webhooks). "<invalid URL>" when it does not parse.
 */
export function safeUrl(url: string, options: { path?: boolean } = {}): string {
  const parsed = URL.parse(url);
  if (!parsed) return "<invalid URL>";
  const base = `${parsed.protocol}//${parsed.host}`;
  if (options.path === false) return base;
  // `search` and `hash` are "" when absent and for a bare "?" or "#": only a part that says something is marked.
  return `${base}${parsed.pathname}${parsed.search ? QUERY_REMOVED : ""}${parsed.hash ? FRAGMENT_REMOVED : ""}`;
}
