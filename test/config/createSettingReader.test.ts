import { describe, expect, it } from "vitest";
import { createSettingReader } from "../../src/config/createSettingReader.js";

const plain = { name: "M2M_PLAIN", form: "a plain value", required: "no", secret: false } as const;
const secret = { name: "M2M_SECRET", form: "a secret value", required: "no", secret: true } as const;

describe("createSettingReader", () => {
  it("reads a setting trimmed; unset and blank read as undefined", () => {
    const reader = createSettingReader({ M2M_PLAIN: "  value \t", M2M_SECRET: "   " });
    expect(reader.read(plain)).toBe("value");
    expect(reader.read(secret)).toBeUndefined();
    expect(createSettingReader({}).read(plain)).toBeUndefined();
    expect(reader.problems).toEqual([]);
  });

  it("names an invalid value next to the expected form, with why when given, and redacts secrets", () => {
    const reader = createSettingReader({});
    reader.invalid(plain, "x");
    reader.invalid(plain, 'say "hi"', "too short");
    reader.invalid(secret, "hunter2", "1..3");
    expect(reader.problems).toEqual([
      'M2M_PLAIN: expected a plain value; got "x"',
      'M2M_PLAIN: expected a plain value (too short); got "say \\"hi\\""',
      "M2M_SECRET: expected a secret value (1..3); got <redacted>",
    ]);
  });

  it("shows a value that is not a secret scrubbed: a URL without user info or query, never a token", () => {
    const reader = createSettingReader({});
    reader.invalid(plain, "https://ops:hunter2@vault.example/x?sig=abc#top");
    reader.invalid(plain, "Bearer abcdefgh12345678");
    expect(reader.problems).toEqual([
      'M2M_PLAIN: expected a plain value; got "https://vault.example/x?<query removed>#<fragment removed>"',
      'M2M_PLAIN: expected a plain value; got "Bearer <redacted>"',
    ]);
  });

  it("names a missing setting with the form to set, and who needs it when told", () => {
    const reader = createSettingReader({});
    reader.missing(plain);
    reader.missing(secret, " (needed by M2M_X=y)");
    reader.problem("a problem in its own words");
    expect(reader.problems).toEqual([
      "M2M_PLAIN is missing: set it to a plain value",
      "M2M_SECRET is missing (needed by M2M_X=y): set it to a secret value",
      "a problem in its own words",
    ]);
  });

  it("required: the value when it passes the test; otherwise the problem, and an empty string when missing", () => {
    const reader = createSettingReader({ M2M_PLAIN: " abc " });
    expect(reader.required(plain, (v) => v === "abc")).toBe("abc");
    expect(reader.problems).toEqual([]);
    expect(reader.required(plain, () => false)).toBe("abc");
    expect(reader.required(secret, () => true, " (for x)")).toBe("");
    expect(reader.required(secret, () => true)).toBe("");
    expect(reader.problems).toEqual([
      'M2M_PLAIN: expected a plain value; got "abc"',
      "M2M_SECRET is missing (for x): set it to a secret value",
      "M2M_SECRET is missing: set it to a secret value",
    ]);
  });

  it("oneOf: matches case-insensitively, falls back when unset, and names a value that is none of them", () => {
    const allowed = ["sha256", "sha1"] as const;
    const matched = createSettingReader({ M2M_PLAIN: "SHA1" });
    expect(matched.oneOf(plain, allowed, "sha256")).toBe("sha1");
    expect(matched.problems).toEqual([]);
    expect(createSettingReader({}).oneOf(plain, allowed, "sha256")).toBe("sha256");
    const reader = createSettingReader({ M2M_PLAIN: "md5" });
    expect(reader.oneOf(plain, allowed, "sha256")).toBe("sha256");
    expect(reader.problems).toEqual(['M2M_PLAIN: expected a plain value; got "md5"']);
  });

  it("flag: true or false in any case, the default when unset, and names anything else", () => {
    expect(createSettingReader({ M2M_PLAIN: "TRUE" }).flag(plain, false)).toBe(true);
    expect(createSettingReader({ M2M_PLAIN: "False" }).flag(plain, true)).toBe(false);
    expect(createSettingReader({}).flag(plain, true)).toBe(true);
    expect(createSettingReader({}).flag(plain, false)).toBe(false);
    for (const value of ["yes", "1", "truthy"]) {
      const reader = createSettingReader({ M2M_PLAIN: value });
      expect(reader.flag(plain, true)).toBe(true);
      expect(reader.problems).toEqual([`M2M_PLAIN: expected a plain value; got ${JSON.stringify(value)}`]);
    }
  });

  it.each([
    ["5", 5],
    ["10", 10],
    ["7", 7],
    ["007", 7],
  ])("wholeNumber accepts %s from 5 to 10 as %d", (value, expected) => {
    const reader = createSettingReader({ M2M_PLAIN: value });
    expect(reader.wholeNumber(plain, 6, 5, 10)).toBe(expected);
    expect(reader.problems).toEqual([]);
  });

  it.each(["4", "11", "7.5", "-7", "+7", "1e1", "seven"])(
    "wholeNumber refuses %s outside 5..10 (or not whole) and keeps the default",
    (value) => {
      const reader = createSettingReader({ M2M_PLAIN: value });
      expect(reader.wholeNumber(plain, 6, 5, 10)).toBe(6);
      expect(reader.problems).toEqual([
        `M2M_PLAIN: expected a plain value (5..10); got ${JSON.stringify(value)}`,
      ]);
    },
  );

  it("wholeNumber takes the default when unset", () => {
    const reader = createSettingReader({});
    expect(reader.wholeNumber(plain, 6, 5, 10)).toBe(6);
    expect(reader.problems).toEqual([]);
  });
});
