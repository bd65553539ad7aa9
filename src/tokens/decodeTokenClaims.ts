/**
 * Reads the claims of an access token without validating it — for showing what Entra ID put in it (aud, roles,
 * appid ...). Validation is the API's job. Returns null for tokens that are not JWTs (some first-party
 * resources encrypt theirs).
 */
export function decodeTokenClaims(token: string): Record<string, unknown> | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    return claims && typeof claims === "object" && !Array.isArray(claims)
      ? (claims as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
