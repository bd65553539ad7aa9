/** Merges header records left to right, names compared case-insensitively (a later `content-type` replaces `Content-Type`). */
export function mergeHeaders(...records: Record<string, string>[]): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const record of records) {
    for (const [name, value] of Object.entries(record)) merged[name.toLowerCase()] = value;
  }
  return merged;
}
