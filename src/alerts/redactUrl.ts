/**
 * A webhook URL as it may be shown: scheme and host (with port) only. Teams Workflows and Slack webhook URLs carry
 * their secret in the path or the query (`sig=...`), so neither is ever shown.
 */
export function redactUrl(url: string): string {
  const parsed = URL.parse(url);
  return parsed ? `${parsed.protocol}//${parsed.host}` : "<invalid URL>";
}
