const HEX_40 = /^[0-9a-f]{40}$/i;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * A SHA-1 thumbprint in the one form the app compares: 40 hex digits, upper case (as the Azure portal shows it).
 *
 * Accepts hex in any case, with or without `:` or space separators (node:crypto's `fingerprint`), and base64 or
 * base64url of the 20 bytes — Graph's `keyCredential.customKeyIdentifier` and Key Vault's `x5t` — as well as base64
 * of the hex text, which some tools write into customKeyIdentifier. Returns null for anything else: an identifier
 * someone chose by hand is not a thumbprint.
 */
export function normalizeThumbprint(value: string | null | undefined): string | null {
  if (!value) return null;
  const compact = value.replace(/[:\s]/g, "");
  if (HEX_40.test(compact)) return compact.toUpperCase();
  if (!BASE64.test(compact)) return null;
  const bytes = Buffer.from(compact, "base64");
  if (bytes.length === 20) return bytes.toString("hex").toUpperCase();
  const text = bytes.toString("latin1");
  return HEX_40.test(text) ? text.toUpperCase() : null;
}
