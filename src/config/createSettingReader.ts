import { scrubSecrets } from "../net/scrubSecrets.js";
import type { Env } from "./Env.js";
import type { SettingDoc } from "./settings.js";

/**
 * Reads app settings and collects every problem found, so that loadConfig can name them all at once. Each problem
 * names the setting, the expected form and the value given (a secret as <redacted>; any other value scrubbed, so a URL
 * shows without its user info or query and a token never shows).
 */
export interface SettingReader {
  /** The setting's value, trimmed; undefined when it is unset or blank. */
  read(doc: SettingDoc): string | undefined;
  /** Records "<name>: expected <form> (<why>); got <value>". */
  invalid(doc: SettingDoc, value: string, why?: string): void;
  /** Records "<name> is missing<context>: set it to <form>". */
  missing(doc: SettingDoc, context?: string): void;
  /** Records a problem in its own words. */
  problem(text: string): void;
  /** The value when it is set and passes `test`; otherwise records why and returns "". */
  required(doc: SettingDoc, test: (value: string) => boolean, context?: string): string;
  /** One of `allowed` (matched case-insensitively; the allowed values are lower case), or `fallback` when unset. */
  oneOf<T extends string>(doc: SettingDoc, allowed: readonly T[], fallback: T): T;
  /** true or false (in any case), or `fallback` when unset (or neither, with the problem recorded). */
  flag(doc: SettingDoc, fallback: boolean): boolean;
  /** A whole number from `min` to `max`, or `fallback` when unset (or invalid, with the problem recorded). */
  wholeNumber(doc: SettingDoc, fallback: number, min: number, max: number): number;
  /** Every problem recorded so far, in the order found. */
  readonly problems: readonly string[];
}

/** A reader of `env` with no problems recorded yet. */
export function createSettingReader(env: Env): SettingReader {
  const problems: string[] = [];
  // Blank counts as unset: a settings file lists the optional settings with empty values.
  const read = (doc: SettingDoc): string | undefined => env[doc.name]?.trim() || undefined;
  const shown = (doc: SettingDoc, value: string) =>
    doc.secret ? "<redacted>" : JSON.stringify(scrubSecrets(value));
  const invalid = (doc: SettingDoc, value: string, why = "") => {
    problems.push(`${doc.name}: expected ${doc.form}${why ? ` (${why})` : ""}; got ${shown(doc, value)}`);
  };
  const missing = (doc: SettingDoc, context = "") => {
    problems.push(`${doc.name} is missing${context}: set it to ${doc.form}`);
  };
  return {
    read,
    invalid,
    missing,
    problem(text) {
      problems.push(text);
    },
    required(doc, test, context = "") {
      const value = read(doc);
      if (value === undefined) missing(doc, context);
      else if (!test(value)) invalid(doc, value);
      return value ?? "";
    },
    oneOf(doc, allowed, fallback) {
      const value = read(doc);
      if (value === undefined) return fallback;
      const match = allowed.find((a) => a === value.toLowerCase());
      if (match === undefined) invalid(doc, value);
      return match ?? fallback;
    },
    flag(doc, fallback) {
      const value = read(doc);
      if (value === undefined) return fallback;
      const lower = value.toLowerCase();
      if (lower === "true" || lower === "false") return lower === "true";
      invalid(doc, value);
      return fallback;
    },
    wholeNumber(doc, fallback, min, max) {
      const value = read(doc);
      if (value === undefined) return fallback;
      if (/^\d+$/.test(value) && Number(value) >= min && Number(value) <= max) return Number(value);
      invalid(doc, value, `${min}..${max}`);
      return fallback;
    },
    problems,
  };
}
