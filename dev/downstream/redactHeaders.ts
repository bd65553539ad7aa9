import type { IncomingHttpHeaders } from "node:http";

/** Request headers as recorded: lower-case names, repeated values joined, the credential never kept. */
export function redactHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const recorded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    recorded[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  if (recorded.authorization !== undefined) {
    const scheme = recorded.authorization.trim().split(/\s+/)[0] || "<empty>";
    recorded.authorization = `${scheme} <redacted>`;
  }
  return recorded;
}
