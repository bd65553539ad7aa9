/**
 * Cuts `text` to at most `maxChars` UTF-16 code units (Table Storage measures string properties that way: 32K
 * characters = 64 KiB), ending with a marker that says how much was dropped. Never splits a surrogate pair.
 */
export function truncateText(text: string, maxChars: number): { text: string; truncated: boolean } {
  if (text.length <= maxChars) return { text, truncated: false };
  const marker = (dropped: number) => `…[truncated ${dropped} chars]`;
  // The marker's length depends on the count: size it for the whole text, then use any digit that was spare.
  let keep = Math.max(0, maxChars - marker(text.length).length);
  while (keep + 1 + marker(text.length - keep - 1).length <= maxChars) keep += 1;
  const last = text.charCodeAt(keep - 1);
  if (keep > 0 && last >= 0xd800 && last <= 0xdbff) keep -= 1;
  return { text: text.slice(0, keep) + marker(text.length - keep), truncated: true };
}
