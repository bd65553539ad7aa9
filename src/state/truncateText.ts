/**
 * Cuts `text` to at most `maxChars` UTF-16 code units (Table Storage measures string properties that way: 32K
 * characters = 64 KiB), ending with a marker that says how much was dropped. Never splits a surrogate pair. When
 * not even the marker fits (callers allow hundreds of characters or more), as much of the marker as fits.
 */
export function truncateText(text: string, maxChars: number): { text: string; truncated: boolean } {
  if (text.length <= maxChars) return { text, truncated: false };
  const marker = (dropped: number) => `…[truncated ${dropped} chars]`;
  const all = marker(text.length);
  // Keeping a character shortens the count by at most one digit, so when the marker for dropping all of the text
  // does not fit, none does.
  if (all.length > maxChars) return { text: all.slice(0, maxChars), truncated: true };
  // The marker's length depends on the count: size it for the whole text, then use any digit that was spare.
  let keep = maxChars - all.length;
  while (keep + 1 + marker(text.length - keep - 1).length <= maxChars) keep += 1;
  // NaN (so no surrogate) when nothing is kept.
  const last = text.charCodeAt(keep - 1);
  if (last >= 0xd800 && last <= 0xdbff) keep -= 1;
  return { text: text.slice(0, keep) + marker(text.length - keep), truncated: true };
}
