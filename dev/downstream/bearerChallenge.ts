/**
 * A `WWW-Authenticate: Bearer` challenge (RFC 6750 §3). Without an error (no credentials were sent) it carries
 * no error attributes, as the RFC asks. Attribute values are reduced to the characters the RFC allows there:
 * printable ASCII without `"` and `\`.
 */
export function bearerChallenge(error?: { error: string; description: string }): string {
  if (!error) return "Bearer";
  return `Bearer error="${quotable(error.error)}", error_description="${quotable(error.description)}"`;
}

function quotable(value: string): string {
  return value
    .replace(/"/g, "'")
    .replace(/\\/g, "/")
    .replace(/[^\x20-\x7e]/g, "");
}
