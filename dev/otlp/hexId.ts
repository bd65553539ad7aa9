/**
 * A trace or span id (16 or 8 bytes) as lowercase hex, as the API's span context has it. OTLP/HTTP JSON sends ids
 * hex-encoded (the JavaScript exporters do); base64, which some older exporters sent, is converted. An absent or
 * empty id (a log record outside a span) is undefined.
 */
export function hexId(id: string | undefined, bytes: 16 | 8): string | undefined {
  if (!id) return undefined;
  if (id.length === bytes * 2 && /^[0-9a-f]+$/i.test(id)) return id.toLowerCase();
  const decoded = Buffer.from(id, "base64");
  if (decoded.length === bytes && /^[A-Za-z0-9+/]+=*$/.test(id)) return decoded.toString("hex");
  return id;
}
