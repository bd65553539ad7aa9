import type { PlannedRequest } from "./PlannedRequest.js";

/** Property names whose values are secrets wherever they appear in a body. */
const SECRET = /password|secret|proof|token/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Pure: a planned request as `--dry-run` prints it — its purpose, method and URL, then its JSON body indented, with
 * secrets shown as `<redacted>` and key material by size only: a keyCredential's `key` (base64 DER certificate) as
 * `<certificate DER, 812 bytes>`. A placeholder already in the body (a certificate not created yet) stays as it is.
 */
export function formatPlannedRequest(request: PlannedRequest): string {
  const lines = [`${request.purpose}:`, `  ${request.method} ${request.url}`];
  if (request.body !== undefined && request.body !== null) {
    const body = JSON.stringify(redact(request.body), null, 2);
    lines.push(...body.split("\n").map((line) => `  ${line}`));
  }
  return lines.join("\n");
}

function redact(value: unknown, name = ""): unknown {
  if (Array.isArray(value)) return value.map((item) => redact(item));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redact(item, key)]));
  }
  if (typeof value !== "string" || value.startsWith("<")) return value;
  if (SECRET.test(name)) return "<redacted>";
  if (name === "key" && BASE64.test(value)) {
    return `<certificate DER, ${Buffer.from(value, "base64").length} bytes>`;
  }
  return value;
}
