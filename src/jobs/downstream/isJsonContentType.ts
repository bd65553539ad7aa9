/** `application/json`, or a `+json` type such as `application/problem+json`, with any parameters. */
export function isJsonContentType(contentType: string | null): boolean {
  return contentType !== null && /^application\/(?:[\w.!#$&^-]+\+)?json\s*(?:;|$)/i.test(contentType.trim());
}
