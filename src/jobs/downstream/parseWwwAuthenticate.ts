/** The OAuth error parameters of a `WWW-Authenticate: Bearer ...` challenge (RFC 6750). */
export interface BearerChallenge {
  error: string | null;
  errorDescription: string | null;
}

/**
 * Reads `error` and `error_description` from a Bearer challenge, quoted or not:
 * `Bearer realm="api", error="invalid_token", error_description="The audience 'x' is invalid"`.
 */
export function parseWwwAuthenticate(header: string | null): BearerChallenge {
  return { error: param(header, "error"), errorDescription: param(header, "error_description") };
}

function param(header: string | null, name: string): string | null {
  if (!header) return null;
  const match = new RegExp(`(?:^|[\\s,])${name}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^\\s,]+))`, "i").exec(
    header,
  );
  if (!match) return null;
  const value = match[1] !== undefined ? match[1].replace(/\\(.)/g, "$1") : (match[2] ?? "");
  return value.trim() || null;
}
