/**
 * One readable line for a text log stream (the host's log, the console): the message, then its properties as
 * compact JSON. Nested values stay readable (the Functions library's own formatting shows them as `[Object]`).
 */
export function formatLogLine(message: string, properties?: Record<string, unknown>): string {
  if (!properties || Object.keys(properties).length === 0) return message;
  return `${message} ${JSON.stringify(properties)}`;
}
