import { tableKey } from "../state/tableKey.js";

/** Characters kept as they are in keys; everything else is escaped. */
const PLAIN = /[A-Za-z0-9\-_.:@=+,;!()*]/u;

/**
 * A subject or dedupe key made safe for a Table Storage key: characters outside letters, digits and `-_.:@=+,;!()*`
 * become `~` and two hex digits per UTF-8 byte ("certificate:kv/app-cert" → "certificate:kv~2Fapp-cert"). The
 * mapping is one to one, so two values never share a key, and an escaped value never contains `|` or `~` on its own
 * (the ledger uses `|` to join key parts). Throws STATE_INVALID_KEY when the result is too long for a key.
 */
export function ledgerKey(value: string, what: string): string {
  let key = "";
  for (const char of value) {
    if (PLAIN.test(char)) key += char;
    else
      for (const byte of new TextEncoder().encode(char))
        key += `~${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return tableKey(key, what);
}
