/** One attribute of a distinguished name, by its short name (CN, O, ...). */
export interface SubjectAttribute {
  shortName: SubjectAttributeName;
  value: string;
}

/** The attributes a subject may have here: the ones certificate tools and Key Vault policies commonly use. */
export const SUBJECT_ATTRIBUTES = ["CN", "O", "OU", "L", "ST", "C", "E"] as const;
export type SubjectAttributeName = (typeof SUBJECT_ATTRIBUTES)[number];

/**
 * Pure: a subject as Key Vault policies and `openssl req -subj` write it — `CN=m2m-functions, O=Contoso` or
 * `/CN=m2m-functions/O=Contoso` — as its attributes, in order. A comma or slash inside a value is escaped with a
 * backslash (`O=Contoso\, Ltd`). Returns the problem in words when it is not one: no attribute, an attribute other
 * than CN, O, OU, L, ST, C, E, an empty value, or a country that is not two letters (X.520 requires it).
 */
export function parseSubject(
  text: string,
): { ok: true; attributes: SubjectAttribute[] } | { ok: false; problem: string } {
  const trimmed = text.trim();
  const slashForm = trimmed.startsWith("/");
  const parts = split(slashForm ? trimmed.slice(1) : trimmed, slashForm ? "/" : ",");
  const attributes: SubjectAttribute[] = [];
  for (const part of parts) {
    const equals = part.indexOf("=");
    const name = (equals < 0 ? part : part.slice(0, equals)).trim().toUpperCase();
    const value = equals < 0 ? "" : part.slice(equals + 1).trim();
    const shortName = SUBJECT_ATTRIBUTES.find((known) => known === name);
    if (!shortName) {
      return {
        ok: false,
        problem: `"${part.trim()}" is not an attribute this tool writes (${SUBJECT_ATTRIBUTES.join(", ")}, as NAME=value)`,
      };
    }
    if (!value) return { ok: false, problem: `${shortName} has no value` };
    if (shortName === "C" && !/^[A-Za-z]{2}$/.test(value)) {
      return { ok: false, problem: `C must be a two-letter country code, not "${value}"` };
    }
    attributes.push({ shortName, value });
  }
  if (attributes.length === 0) return { ok: false, problem: "it names no attribute (expected CN=<name>)" };
  return { ok: true, attributes };
}

/** Splits on `separator` where it is not escaped with a backslash, and unescapes `\<char>`. */
function split(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === "\\" && i + 1 < text.length) {
      current += text[++i]!;
    } else if (char === separator) {
      parts.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts.filter((part) => part.trim() !== "");
}
