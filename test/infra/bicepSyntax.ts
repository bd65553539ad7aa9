// The few pieces of Bicep syntax the static infra tests read: strings (with `${...}` interpolation and `\'` escapes),
// brackets, object and array literals (items separated by newlines or commas), comments. Anything else is refused with
// an error, so a template the reader does not understand fails its tests instead of passing them unread.
// Syntax reference: https://learn.microsoft.com/azure/azure-resource-manager/bicep/file

const CLOSING: Record<string, string> = { "{": "}", "[": "]", "(": ")" };

/** Index just past the string literal that starts at `start` (a `'`), interpolations included. */
export function skipString(text: string, start: number): number {
  if (text.startsWith("'''", start)) {
    const end = text.indexOf("'''", start + 3);
    if (end < 0) throw new Error(`unterminated multi-line string at ${start}`);
    return end + 3;
  }
  let at = start + 1;
  while (at < text.length) {
    const char = text[at];
    if (char === "\\") at += 2;
    else if (char === "'") return at + 1;
    else if (char === "$" && text[at + 1] === "{") at = closingBracket(text, at + 1) + 1;
    else if (char === "\n") break;
    else at += 1;
  }
  throw new Error(`unterminated string at ${start}: ${text.slice(start, start + 40)}`);
}

/** Index of the bracket that closes the `{`, `[` or `(` at `start`; strings are skipped. */
export function closingBracket(text: string, start: number): number {
  const first = text[start];
  const close = first === undefined ? undefined : CLOSING[first];
  if (close === undefined) throw new Error(`no bracket at ${start}`);
  const expected = [close];
  let at = start + 1;
  while (at < text.length) {
    const char = text[at]!;
    if (char === "'") {
      at = skipString(text, at);
      continue;
    }
    const opened = CLOSING[char];
    if (opened !== undefined) expected.push(opened);
    else if (char === "}" || char === "]" || char === ")") {
      if (expected.pop() !== char) throw new Error(`mismatched '${char}' at ${at}`);
      if (expected.length === 0) return at;
    }
    at += 1;
  }
  throw new Error(`unbalanced '${first}' at ${start}: ${text.slice(start, start + 40)}`);
}

/**
 * The text without `//` and `/* *\/` comments and `#disable-next-line` directives, which silence a diagnostic on the
 * line below (newlines kept, strings untouched).
 */
export function stripComments(text: string): string {
  let out = "";
  let at = 0;
  while (at < text.length) {
    const directive = text.startsWith("#disable-next-line ", at) && /(^|\n)[ \t]*$/.test(out);
    if (text.startsWith("//", at) || directive) {
      const end = text.indexOf("\n", at);
      at = end < 0 ? text.length : end;
    } else if (text.startsWith("/*", at)) {
      const end = text.indexOf("*/", at + 2);
      if (end < 0) throw new Error(`unterminated comment at ${at}`);
      out += text.slice(at, end + 2).replace(/[^\n]/g, " ");
      at = end + 2;
    } else if (text[at] === "'") {
      const end = skipString(text, at);
      out += text.slice(at, end);
      at = end;
    } else {
      out += text[at];
      at += 1;
    }
  }
  return out;
}

/** The items between a pair of brackets, split at newlines and commas outside nested brackets and strings. */
export function splitItems(inner: string): string[] {
  const items: string[] = [];
  let from = 0;
  let at = 0;
  while (at <= inner.length) {
    const char = inner[at];
    if (char === "'") at = skipString(inner, at);
    else if (char !== undefined && CLOSING[char] !== undefined) at = closingBracket(inner, at) + 1;
    else if (char === undefined || char === "\n" || char === ",") {
      const item = inner.slice(from, at).trim();
      if (item) items.push(item);
      from = at + 1;
      at += 1;
    } else at += 1;
  }
  return items;
}

function bracketed(raw: string, open: string): string {
  const text = raw.trim();
  if (text[0] !== open || closingBracket(text, 0) !== text.length - 1) {
    throw new Error(`expected one ${open}...${CLOSING[open]} literal, got: ${text.slice(0, 60)}`);
  }
  return text.slice(1, -1);
}

const ENTRY = /^(?:([A-Za-z_]\w*)|'((?:[^'\\]|\\.)*)')\s*:\s*([\s\S]*)$/;

/** The entries of an object literal, key to raw value; a duplicate key or an entry without a value is refused. */
export function readObject(raw: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const item of splitItems(bracketed(raw, "{"))) {
    const match = ENTRY.exec(item);
    const key = match?.[1] ?? match?.[2];
    const value = match?.[3]?.trim();
    if (key === undefined || !value) throw new Error(`not a "key: value" entry: ${item.slice(0, 60)}`);
    if (entries.has(key)) throw new Error(`duplicate key ${key}`);
    entries.set(key, value);
  }
  return entries;
}

/** The raw items of an array literal. */
export function readArray(raw: string): string[] {
  return splitItems(bracketed(raw, "["));
}

/** The value of a string literal without interpolation (escapes resolved); null for any other expression. */
export function stringLiteral(raw: string): string | null {
  const match = /^'((?:[^'\\$]|\\.|\$(?!\{))*)'$/.exec(raw.trim());
  if (!match) return null;
  return match[1]!.replace(/\\(.)/g, (_, char: string) => ({ n: "\n", r: "\r", t: "\t" })[char] ?? char);
}

/** The raw value at a dotted path of nested object literals (`properties.features.disableLocalAuth`), or undefined. */
export function valueAt(raw: string, path: string): string | undefined {
  let value: string | undefined = raw;
  for (const key of path.split(".")) {
    if (value === undefined) return undefined;
    value = readObject(value).get(key);
  }
  return value;
}
